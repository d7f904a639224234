import { MESSAGE_ID_PATTERN, MIN_BOX_BYTES } from '@ciphernest/protocol';
import { isByteArray, ownBytes } from './is-byte-array';
import { MessageRejectedError } from './message-rejected-error';
import { randomBytes } from './random-bytes';

/** Who sent a message, where, under which id: bound to the box as AAD (docs/protocol.md §3). */
export interface MessageContext {
  /** The room key (docs/protocol.md §1), not the name as typed. */
  roomKey: string;
  /** The sender's username exactly as the server reports it. */
  from: string;
  /** The sender-chosen id, matching `MESSAGE_ID_PATTERN`. */
  id: string;
}

const IV_BYTES = 12;
const TAG_BITS = 128;

/** What {@link seal} adds to a plaintext: the iv and the tag. */
export const BOX_OVERHEAD_BYTES = IV_BYTES + TAG_BITS / 8;

/**
 * `UTF-8("ciphernest/v1/msg/" + roomKey + "/" + from + "/" + id)` of docs/protocol.md §3.
 * No part may contain `/` by the protocol's name and id rules, so the string is unambiguous.
 *
 * @throws TypeError when `roomKey` or `from` is empty or `id` breaks `MESSAGE_ID_PATTERN`.
 */
export function messageAad(ctx: MessageContext): Uint8Array<ArrayBuffer> {
  if (typeof ctx?.roomKey !== 'string' || ctx.roomKey.length === 0) throw new TypeError('messageAad: roomKey must be a non-empty string');
  if (typeof ctx.from !== 'string' || ctx.from.length === 0) throw new TypeError('messageAad: from must be a non-empty string');
  if (typeof ctx.id !== 'string' || !MESSAGE_ID_PATTERN.test(ctx.id)) throw new TypeError('messageAad: id must match MESSAGE_ID_PATTERN');
  return new TextEncoder().encode(`ciphernest/v1/msg/${ctx.roomKey}/${ctx.from}/${ctx.id}`);
}

/**
 * Encrypts a framed plaintext: `box = iv || AES-256-GCM(encKey, iv, plaintext, aad)` with a
 * fresh random 12-byte iv and a 16-byte tag (docs/protocol.md §3).
 *
 * Security: the iv is random per call, so never reuse a box for a different context; the
 * AAD binds room, sender and id, so a relay that relabels any of them makes it fail to open.
 * The box is opaque ciphertext: relay it, never log it.
 *
 * @throws TypeError on a malformed context or a `plaintext` that is not a Uint8Array.
 */
export async function seal(encKey: CryptoKey, ctx: MessageContext, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const aad = messageAad(ctx);
  if (!isByteArray(plaintext)) throw new TypeError('seal: plaintext must be a Uint8Array');
  const iv = randomBytes(IV_BYTES);
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BITS },
    encKey,
    ownBytes(plaintext),
  );
  const box = new Uint8Array(IV_BYTES + sealed.byteLength);
  box.set(iv, 0);
  box.set(new Uint8Array(sealed), IV_BYTES);
  return box;
}

/**
 * {@link seal}, then wipes `plaintext`: for the framed plaintexts the encrypt functions build
 * and own, so no copy of the message outlives its box.
 */
export async function sealAndWipe(encKey: CryptoKey, ctx: MessageContext, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await seal(encKey, ctx, plaintext);
  } finally {
    plaintext.fill(0);
  }
}

function boxBytes(box: unknown): Uint8Array {
  if (isByteArray(box)) return box;
  if (Object.prototype.toString.call(box) === '[object ArrayBuffer]') return new Uint8Array(box as ArrayBuffer);
  throw new MessageRejectedError('box is not binary');
}

/**
 * Opens a box from {@link seal} and returns the framed plaintext. `box` may be any
 * Uint8Array view (a Node Buffer slice included) or an ArrayBuffer, as Socket.IO delivers.
 *
 * @throws MessageRejectedError when the context is malformed, the box is shorter than
 *   `MIN_BOX_BYTES`, or authentication fails (wrong key, room, sender or id; altered bytes).
 *   The receiver MUST drop the message then.
 */
export async function open(encKey: CryptoKey, ctx: MessageContext, box: Uint8Array | ArrayBuffer): Promise<Uint8Array<ArrayBuffer>> {
  let aad: Uint8Array<ArrayBuffer>;
  try {
    aad = messageAad(ctx);
  } catch (cause) {
    throw new MessageRejectedError('message context is malformed', { cause });
  }
  const bytes = boxBytes(box);
  if (bytes.length < MIN_BOX_BYTES) throw new MessageRejectedError(`box is shorter than ${MIN_BOX_BYTES} bytes`);
  // Copies: a Buffer's slice() is a view, and other realms' buffers are refused by WebCrypto.
  const iv = ownBytes(bytes.subarray(0, IV_BYTES));
  const sealed = ownBytes(bytes.subarray(IV_BYTES));
  try {
    const plaintext = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BITS },
      encKey,
      sealed,
    );
    return new Uint8Array(plaintext);
  } catch (cause) {
    throw new MessageRejectedError('box does not open', { cause });
  }
}
