import { codePointLength, MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { decodePlaintext, type ImageMime } from './message-header';
import { MessageRejectedError } from './message-rejected-error';
import { open, type MessageContext } from './seal';

/** A message as opened and checked by {@link decryptMessage}. */
export type DecryptedMessage =
  | { kind: 'text'; text: string }
  | { kind: 'image'; mime: ImageMime; bytes: Uint8Array<ArrayBuffer>; name?: string; width?: number; height?: number }
  | { kind: 'file'; mime: string; name: string; bytes: Uint8Array<ArrayBuffer> };

/**
 * Reads a framed plaintext (docs/protocol.md §3) as a message, checked: well framed, and a text
 * valid UTF-8 of 1 to `MAX_TEXT_CHARS` characters, not blank (at least one character after
 * trimming). Both layers end here: v1 after opening the box, v2 (§3.1) after opening its inner
 * seal. The caller still owns `plaintext` and zeroes it.
 *
 * Security: everything returned is attacker-chosen content from an authenticated member;
 * render it escaped (text) or as an image element only (image bytes); a file's bytes are never
 * rendered or opened, only saved under a name the receiver makes of `name`.
 *
 * @throws UnknownKindError for a message of a kind this version does not know: drop it
 *   silently; MessageRejectedError for any other failure.
 */
export function readMessage(plaintext: Uint8Array): DecryptedMessage {
  const { header, body } = decodePlaintext(plaintext);
  if (header.kind === 'image') {
    const image: DecryptedMessage = { kind: 'image', mime: header.mime, bytes: body };
    if (header.name !== undefined) image.name = header.name;
    if (header.width !== undefined) image.width = header.width;
    if (header.height !== undefined) image.height = header.height;
    return image;
  }
  if (header.kind === 'file') return { kind: 'file', mime: header.mime, name: header.name, bytes: body };
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
  return { kind: 'text', text };
}

/**
 * Opens a relayed box and returns its message, checked by {@link readMessage}: the box must
 * authenticate under `ctx` (room key, sender as reported by the server, id).
 *
 * Security: everything returned is attacker-chosen content from an authenticated member;
 * render it escaped (text) or as an image element only (bytes), and let the caller drop
 * repeated ids (docs/protocol.md §3).
 *
 * @throws UnknownKindError for a message of a kind this version does not know: drop it
 *   silently; MessageRejectedError for any other failure: drop the message (and MAY flag it).
 */
export async function decryptMessage(encKey: CryptoKey, ctx: MessageContext, box: Uint8Array | ArrayBuffer): Promise<DecryptedMessage> {
  const plaintext = await open(encKey, ctx, box);
  try {
    return readMessage(plaintext);
  } finally {
    plaintext.fill(0);
  }
}
