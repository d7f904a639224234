import { MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { isByteArray } from './is-byte-array';
import { decodePlaintext, encodePlaintext, type ImageMime, type MessageHeader } from './message-header';
import { MessageRejectedError } from './message-rejected-error';
import { open, seal, type MessageContext } from './seal';

/** An image to send; `bytes` is the encoded file (any Uint8Array view). */
export interface ImageInput {
  mime: ImageMime;
  bytes: Uint8Array;
  name?: string;
  width?: number;
  height?: number;
}

/** A message as opened and checked by {@link decryptMessage}. */
export type DecryptedMessage =
  | { kind: 'text'; text: string }
  | { kind: 'image'; mime: ImageMime; bytes: Uint8Array<ArrayBuffer>; name?: string; width?: number; height?: number };

/** Counts code points (PROTOCOL.md counts characters so), stopping once past `limit`. */
function exceedsCharacters(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const pairsWithNext = unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pairsWithNext) i++;
    if (++count > limit) return true;
  }
  return false;
}

/**
 * Frames, pads (to a multiple of 256 bytes) and seals a text message. `len` is the UTF-8
 * byte length; lone surrogates are sent as U+FFFD, as TextEncoder writes them.
 *
 * @throws RangeError when `text` is empty or longer than `MAX_TEXT_CHARS` characters (code
 *   points); TypeError on a malformed context.
 */
export async function encryptText(encKey: CryptoKey, ctx: MessageContext, text: string): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof text !== 'string') throw new TypeError('encryptText: text must be a string');
  if (text.length === 0) throw new RangeError('encryptText: text is empty');
  if (exceedsCharacters(text, MAX_TEXT_CHARS)) throw new RangeError(`encryptText: text is longer than ${MAX_TEXT_CHARS} characters`);
  const body = new TextEncoder().encode(text);
  const plaintext = encodePlaintext({ kind: 'text', len: body.length }, body);
  try {
    return await seal(encKey, ctx, plaintext);
  } finally {
    body.fill(0);
    plaintext.fill(0);
  }
}

/**
 * Frames, pads (to a multiple of 256 bytes) and seals an image message. The sender's
 * client decides on resizing; the box must still fit the server's `MAX_MESSAGE_BYTES`.
 * Nothing but the listed fields goes into the header.
 *
 * @throws RangeError when `bytes` is empty; TypeError when `mime` is not one of
 *   `IMAGE_MIMES`, an optional field has the wrong type, or the context is malformed.
 */
export async function encryptImage(encKey: CryptoKey, ctx: MessageContext, image: ImageInput): Promise<Uint8Array<ArrayBuffer>> {
  if (!isByteArray(image?.bytes)) throw new TypeError('encryptImage: bytes must be a Uint8Array');
  if (image.bytes.length === 0) throw new RangeError('encryptImage: image is empty');
  const header: MessageHeader = { kind: 'image', len: image.bytes.length, mime: image.mime };
  if (image.name !== undefined) header.name = image.name;
  if (image.width !== undefined) header.width = image.width;
  if (image.height !== undefined) header.height = image.height;
  const plaintext = encodePlaintext(header, image.bytes);
  try {
    return await seal(encKey, ctx, plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Opens a relayed box and returns its message, checked: the box must authenticate under
 * `ctx` (room key, sender as reported by the server, id), the plaintext must be well
 * framed, and a text must be valid UTF-8 of at most `MAX_TEXT_CHARS` characters.
 * An empty text is accepted (PROTOCOL.md sets only an upper bound), although
 * {@link encryptText} never sends one.
 *
 * Security: everything returned is attacker-chosen content from an authenticated member;
 * render it escaped (text) or as an image element only (bytes), and let the caller drop
 * repeated ids (PROTOCOL.md §3).
 *
 * @throws MessageRejectedError for any failure; drop the message (and MAY flag it).
 */
export async function decryptMessage(encKey: CryptoKey, ctx: MessageContext, box: Uint8Array | ArrayBuffer): Promise<DecryptedMessage> {
  const plaintext = await open(encKey, ctx, box);
  try {
    const { header, body } = decodePlaintext(plaintext);
    if (header.kind === 'image') {
      const image: DecryptedMessage = { kind: 'image', mime: header.mime, bytes: body };
      if (header.name !== undefined) image.name = header.name;
      if (header.width !== undefined) image.width = header.width;
      if (header.height !== undefined) image.height = header.height;
      return image;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      throw new MessageRejectedError('text is not valid UTF-8');
    } finally {
      body.fill(0);
    }
    if (exceedsCharacters(text, MAX_TEXT_CHARS)) throw new MessageRejectedError(`text is longer than ${MAX_TEXT_CHARS} characters`);
    return { kind: 'text', text };
  } finally {
    plaintext.fill(0);
  }
}
