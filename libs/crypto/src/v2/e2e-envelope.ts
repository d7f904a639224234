import { isObject } from '@ciphernest/protocol';
import { DEFAULT_PAD_TO } from '../message-header';
import { MessageRejectedError, UnknownKindError } from '../message-rejected-error';
import { framePlaintext, unframePlaintext } from '../plaintext-frame';

/** The header kinds layer v2 adds to docs/protocol.md §3's plaintext (§3.1). */
export const E2E_KINDS = ['keys', 'chain', 'sealed'] as const;

export type E2eKind = (typeof E2E_KINDS)[number];

const V1_KINDS: readonly string[] = ['text', 'image', 'file'];

/**
 * A v2 body as the plaintext of a v1 box: `u32be(headerLength) || UTF-8({"kind":kind,"len":N})
 * || body || zero padding` to a multiple of 256 bytes, exactly §3's frame.
 */
export function encodeEnvelope(kind: E2eKind, body: Uint8Array): Uint8Array<ArrayBuffer> {
  return framePlaintext({ kind, len: body.length }, body, DEFAULT_PAD_TO);
}

/**
 * The kind and body of a plaintext opened from a v1 box. Unknown header fields are ignored.
 *
 * @throws MessageRejectedError for v1's text, image and file, which a v2 room carries only inside
 *   "sealed" (bare, they are signed by no one, so they are refused, never shown), and when
 *   malformed; UnknownKindError for any other kind (a later version's: drop it silently).
 */
export function decodeEnvelope(plaintext: Uint8Array): { kind: E2eKind; body: Uint8Array<ArrayBuffer> } {
  const { header, bodyStart } = unframePlaintext(plaintext);
  if (!isObject(header)) throw new MessageRejectedError('header is not an object');
  const kind = header['kind'];
  if (typeof kind !== 'string') throw new MessageRejectedError('header.kind is not a string');
  if (V1_KINDS.includes(kind)) throw new MessageRejectedError(`a bare ${kind} message is not signed`);
  if (!(E2E_KINDS as readonly string[]).includes(kind)) throw new UnknownKindError('header.kind is unknown');
  const len = header['len'];
  if (!Number.isSafeInteger(len) || (len as number) < 0) throw new MessageRejectedError('header.len is not a byte count');
  if ((len as number) > plaintext.length - bodyStart) throw new MessageRejectedError('body runs past the end of the plaintext');
  return { kind: kind as E2eKind, body: new Uint8Array(plaintext.subarray(bodyStart, bodyStart + (len as number))) };
}
