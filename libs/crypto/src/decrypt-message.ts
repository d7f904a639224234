import { codePointLength, MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { decodePlaintext, MESSAGE_KINDS, type ImageMime, type MessageHeader } from './message-header';
import { MessageRejectedError } from './message-rejected-error';
import type { ReactionEmoji } from './reaction-emoji';
import { open, type MessageContext } from './seal';

/** A message as opened and checked by {@link readMessage}. */
export type DecryptedMessage =
  | { kind: 'text'; text: string }
  | { kind: 'image'; mime: ImageMime; bytes: Uint8Array<ArrayBuffer>; name?: string; width?: number; height?: number }
  | { kind: 'file'; mime: string; name: string; bytes: Uint8Array<ArrayBuffer> }
  | { kind: 'reply'; text: string; to: string }
  | { kind: 'reaction'; to: string; emoji: ReactionEmoji; on: boolean }
  | { kind: 'delete'; to: string };

/**
 * The kinds read only inside layer v2's signed "sealed" body (docs/protocol.md §3): under layer v1
 * any member can seal a box under any name, so a delete or a reaction there would prove nothing
 * about who sent it. {@link decryptMessage} drops them as unknown.
 */
export const V2_ONLY_KINDS: readonly MessageHeader['kind'][] = ['reply', 'reaction', 'delete'];

/** A text body, checked: valid UTF-8 of 1 to `MAX_TEXT_CHARS` characters, not blank. Zeroes `body`. */
function readText(body: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new MessageRejectedError('text is not valid UTF-8');
  } finally {
    body.fill(0);
  }
  // Stops counting past the limit: a hostile text of megabytes costs no more than a long one.
  if (codePointLength(text, MAX_TEXT_CHARS) > MAX_TEXT_CHARS) throw new MessageRejectedError(`text is longer than ${MAX_TEXT_CHARS} characters`);
  if (text.trim() === '') throw new MessageRejectedError('text is blank');
  return text;
}

/**
 * Reads a framed plaintext (docs/protocol.md §3) as a message, checked: well framed, and a text
 * (a reply's too) valid UTF-8 of 1 to `MAX_TEXT_CHARS` characters, not blank (at least one
 * character after trimming). Both layers end here: v1 after opening the box (its `kinds` without
 * {@link V2_ONLY_KINDS}), v2 (§3.1) after opening its inner seal. The caller still owns
 * `plaintext` and zeroes it.
 *
 * Security: everything returned is attacker-chosen content from an authenticated member;
 * render it escaped (text) or as an image element only (image bytes); a file's bytes are never
 * rendered or opened, only saved under a name the receiver makes of `name`. An action's `to` is any id:
 * the caller decides what it may do to that message (a delete only from its own sender).
 *
 * @throws UnknownKindError for a message of a kind this version (or `kinds`) does not know: drop
 *   it silently; MessageRejectedError for any other failure.
 */
export function readMessage(plaintext: Uint8Array, kinds: readonly MessageHeader['kind'][] = MESSAGE_KINDS): DecryptedMessage {
  const { header, body } = decodePlaintext(plaintext, kinds);
  switch (header.kind) {
    case 'image': {
      const image: DecryptedMessage = { kind: 'image', mime: header.mime, bytes: body };
      if (header.name !== undefined) image.name = header.name;
      if (header.width !== undefined) image.width = header.width;
      if (header.height !== undefined) image.height = header.height;
      return image;
    }
    case 'file':
      return { kind: 'file', mime: header.mime, name: header.name, bytes: body };
    case 'text':
      return { kind: 'text', text: readText(body) };
    case 'reply':
      return { kind: 'reply', text: readText(body), to: header.to };
    case 'reaction':
      return { kind: 'reaction', to: header.to, emoji: header.emoji, on: header.on };
    case 'delete':
      return { kind: 'delete', to: header.to };
  }
}

/**
 * Opens a relayed box of layer v1 and returns its message, checked by {@link readMessage}: the
 * box must authenticate under `ctx` (room key, sender as reported by the server, id). The
 * actions of {@link V2_ONLY_KINDS} are dropped as unknown: v1 does not authenticate senders.
 *
 * Security: everything returned is attacker-chosen content from an authenticated member;
 * render it escaped (text) or as an image element only (bytes), and let the caller drop
 * repeated ids (docs/protocol.md §3).
 *
 * @throws UnknownKindError for a message of a kind this version does not know (or an action):
 *   drop it silently; MessageRejectedError for any other failure: drop the message (and MAY flag it).
 */
export async function decryptMessage(encKey: CryptoKey, ctx: MessageContext, box: Uint8Array | ArrayBuffer): Promise<DecryptedMessage> {
  const plaintext = await open(encKey, ctx, box);
  try {
    return readMessage(plaintext, MESSAGE_KINDS.filter((kind) => !V2_ONLY_KINDS.includes(kind)));
  } finally {
    plaintext.fill(0);
  }
}
