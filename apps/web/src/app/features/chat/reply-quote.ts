import type { MessageEntry } from './chat-entry';

/** Characters of a quoted text shown in a reply's quote and in "Replying to". */
export const EXCERPT_CHARS = 80;

/** What a reply shows of the message it quotes: its sender and an excerpt, or that this tab does not have it. */
export type ReplyQuote =
  | { kind: 'shown'; id: string; from: string; excerpt: string }
  | { kind: 'missing' };

/** A short, one-line description of what a message holds, for a quote. */
export function excerptOf(entry: MessageEntry): string {
  switch (entry.content.kind) {
    case 'text': {
      const line = entry.content.text.replace(/\s+/g, ' ').trim();
      const characters = Array.from(line);
      return characters.length > EXCERPT_CHARS ? `${characters.slice(0, EXCERPT_CHARS).join('')}…` : line;
    }
    case 'image':
    case 'image-not-kept':
      return 'an image';
    case 'file':
    case 'file-not-kept':
      return `a file, ${entry.content.name}`;
    case 'held':
      return 'a message waiting for its keys';
    case 'deleted':
      return 'Message deleted';
  }
}

/** Who wrote a message, as a quote names them: "You" for our own. */
export function senderOf(entry: MessageEntry): string {
  return entry.own ? 'You' : entry.from;
}

/** The quote of a reply whose original is `quoted` (undefined: this tab does not have it). */
export function replyQuote(quoted: MessageEntry | undefined): ReplyQuote {
  return quoted === undefined ? { kind: 'missing' } : { kind: 'shown', id: quoted.id, from: senderOf(quoted), excerpt: excerptOf(quoted) };
}
