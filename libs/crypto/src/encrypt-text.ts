import { codePointLength, MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { encodePlaintext, type MessageHeader } from './message-header';
import { sealAndWipe, type MessageContext } from './seal';

/**
 * A text as a framed plaintext under the header `header(len)` (a text's or a reply's), padded to
 * a multiple of 256 bytes. `len` is the UTF-8 byte length; lone surrogates are sent as U+FFFD,
 * as TextEncoder writes them.
 *
 * @throws RangeError when `text` is blank or longer than `MAX_TEXT_CHARS` characters (code
 *   points); TypeError when it is not a string or the header is malformed.
 */
export function framedText(text: string, header: (len: number) => MessageHeader, caller: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError(`${caller}: text must be a string`);
  if (text.trim() === '') throw new RangeError(`${caller}: text is blank`);
  if (codePointLength(text, MAX_TEXT_CHARS) > MAX_TEXT_CHARS) throw new RangeError(`${caller}: text is longer than ${MAX_TEXT_CHARS} characters`);
  const body = new TextEncoder().encode(text);
  try {
    return encodePlaintext(header(body.length), body);
  } finally {
    body.fill(0);
  }
}

/**
 * A text message's framed plaintext (docs/protocol.md §3), padded to a multiple of 256 bytes:
 * what {@link encryptText} seals, and what layer v2 seals inside its own box (§3.1). `len` is
 * the UTF-8 byte length; lone surrogates are sent as U+FFFD, as TextEncoder writes them.
 *
 * Security: the result is message content; the caller zeroes it once sealed.
 *
 * @throws RangeError when `text` is blank (nothing but white space) or longer than
 *   `MAX_TEXT_CHARS` characters (code points); TypeError when it is not a string.
 */
export function textPlaintext(text: string): Uint8Array<ArrayBuffer> {
  return framedText(text, (len) => ({ kind: 'text', len }), 'textPlaintext');
}

/**
 * Frames, pads (to a multiple of 256 bytes) and seals a text message ({@link textPlaintext}).
 *
 * @throws RangeError when `text` is blank (nothing but white space) or longer than `MAX_TEXT_CHARS` characters (code
 *   points); TypeError on a malformed context.
 */
export async function encryptText(encKey: CryptoKey, ctx: MessageContext, text: string): Promise<Uint8Array<ArrayBuffer>> {
  return sealAndWipe(encKey, ctx, textPlaintext(text));
}
