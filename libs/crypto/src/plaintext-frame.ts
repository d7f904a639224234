import { isByteArray } from './is-byte-array';
import { MessageRejectedError } from './message-rejected-error';

/**
 * Upper bound on the JSON header. A real one is well under this; the bound stops a
 * malicious sender from making receivers parse megabytes of JSON.
 */
export const MAX_HEADER_BYTES = 4096;

const U32_BYTES = 4;

/**
 * docs/protocol.md §3's frame, shared by every kind of both layers:
 * `u32be(headerLength) || UTF-8(JSON header) || body || zero padding`, padded to a multiple of
 * `padTo` bytes. The caller has checked the header; this only lays the bytes out.
 *
 * @throws RangeError when `padTo` is not a positive integer or the header's JSON exceeds
 *   {@link MAX_HEADER_BYTES}.
 */
export function framePlaintext(header: object, body: Uint8Array, padTo: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(padTo) || padTo < 1) throw new RangeError('framePlaintext: padTo must be a positive integer');
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  if (headerBytes.length > MAX_HEADER_BYTES) throw new RangeError(`framePlaintext: header exceeds ${MAX_HEADER_BYTES} bytes`);
  const used = U32_BYTES + headerBytes.length + body.length;
  const plaintext = new Uint8Array(Math.ceil(used / padTo) * padTo);
  new DataView(plaintext.buffer).setUint32(0, headerBytes.length, false);
  plaintext.set(headerBytes, U32_BYTES);
  plaintext.set(body, U32_BYTES + headerBytes.length);
  return plaintext;
}

/** The length of what {@link framePlaintext} makes of `header` and a body of `bodyLength` bytes, without making it. */
export function framedLength(header: object, bodyLength: number, padTo: number): number {
  const used = U32_BYTES + new TextEncoder().encode(JSON.stringify(header)).length + bodyLength;
  return Math.ceil(used / padTo) * padTo;
}

/**
 * The parsed JSON header of a frame from {@link framePlaintext} and where its body starts.
 * Strict: the header length must be 1..{@link MAX_HEADER_BYTES} and inside the plaintext, the
 * header valid UTF-8 JSON (no BOM). What the header says is the caller's to check.
 *
 * @throws MessageRejectedError on any malformation.
 */
export function unframePlaintext(plaintext: Uint8Array): { header: unknown; bodyStart: number } {
  if (!isByteArray(plaintext)) throw new MessageRejectedError('plaintext is not a Uint8Array');
  if (plaintext.length < U32_BYTES) throw new MessageRejectedError('plaintext is shorter than its header length');
  const headerLength = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).getUint32(0, false);
  if (headerLength === 0 || headerLength > MAX_HEADER_BYTES) throw new MessageRejectedError('header length is out of range');
  const bodyStart = U32_BYTES + headerLength;
  if (bodyStart > plaintext.length) throw new MessageRejectedError('header runs past the end of the plaintext');
  try {
    const json = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(plaintext.subarray(U32_BYTES, bodyStart));
    return { header: JSON.parse(json) as unknown, bodyStart };
  } catch {
    throw new MessageRejectedError('header is not UTF-8 JSON');
  }
}
