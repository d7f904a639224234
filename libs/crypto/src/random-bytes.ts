import { b64urlEncode } from './b64url';

// crypto.getRandomValues refuses more than 65,536 bytes per call.
const MAX_RANDOM_CHUNK = 65_536;

/**
 * `length` bytes from the platform's CSPRNG (`crypto.getRandomValues`, in Node 20,
 * browsers and workers alike).
 *
 * @throws RangeError when `length` is not a non-negative safe integer.
 */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('randomBytes: length must be a non-negative integer');
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += MAX_RANDOM_CHUNK) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + MAX_RANDOM_CHUNK, length)));
  }
  return bytes;
}

/**
 * A fresh message id (docs/protocol.md §3): b64url of 16 random bytes, 22 characters, which
 * matches `MESSAGE_ID_PATTERN`. Random, so ids do not reveal how many messages a client sent.
 */
export function newMessageId(): string {
  return b64urlEncode(randomBytes(16));
}
