import { MessageRejectedError } from '../message-rejected-error';

/**
 * Reads a v2 body field by field; any read past the end, or bytes left over at the end, is a
 * malformed body (MessageRejectedError), never an exception of another kind.
 */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  u8(): number {
    return this.take(1)[0];
  }

  u16(): number {
    const bytes = this.take(2);
    return (bytes[0] << 8) | bytes[1];
  }

  u32(): number {
    const bytes = this.take(4);
    return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  }

  /** A copy of the next `length` bytes. */
  take(length: number): Uint8Array<ArrayBuffer> {
    if (this.offset + length > this.bytes.length) throw new MessageRejectedError(`${this.what} is too short`);
    const out = new Uint8Array(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return out;
  }

  /** Bytes left before the last `tail` bytes. */
  remainingBefore(tail: number): number {
    return this.bytes.length - tail - this.offset;
  }

  /** @throws MessageRejectedError when bytes are left over. */
  end(): void {
    if (this.offset !== this.bytes.length) throw new MessageRejectedError(`${this.what} has bytes left over`);
  }
}
