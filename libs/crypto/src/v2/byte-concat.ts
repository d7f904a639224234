/** `u32be(value)`. @throws RangeError outside 0..2^32-1. */
export function u32be(value: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError('u32be: out of range');
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, false);
  return bytes;
}

/** `u16be(value)`. @throws RangeError outside 0..65535. */
export function u16be(value: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffff) throw new RangeError('u16be: out of range');
  return new Uint8Array([value >>> 8, value & 0xff]);
}

/** The parts one after the other, in a new buffer. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * `lp(x) = u32be(length of x) || x`, for every variable-length field of a signed context or an
 * info string (docs/protocol.md §3.1): with lengths in front, no two different lists of fields
 * make the same bytes.
 */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return concatBytes(u32be(bytes.length), bytes);
}

/** `lp(UTF-8(text))`. */
export function lengthPrefixedText(text: string): Uint8Array<ArrayBuffer> {
  return lengthPrefixed(new TextEncoder().encode(text));
}
