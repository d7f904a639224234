import { codePointLength, MAX_TEXT_CHARS } from '@ciphernest/protocol';

/** A text can be sent when it is not blank and has at most MAX_TEXT_CHARS code points (docs/protocol.md §3). */
export function isSendableText(text: string): boolean {
  return text.trim() !== '' && codePointLength(text, MAX_TEXT_CHARS) <= MAX_TEXT_CHARS;
}
