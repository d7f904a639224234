/**
 * The storage under HeldMessages: what holding tens of thousands of messages for 30 s keeps
 * alive for the garbage collector. A held message as objects (an entry, the relayed message,
 * its Buffer, its id) was four objects promoted to the old generation and marked at every full
 * collection; here a room's held messages are a few large buffers and one typed array, whatever
 * their number (docs/benchmarks.md, "Round 2").
 */

/** Boxes up to this size are copied into their room's arena; larger ones are held as they came (few, and one object each). */
export const ARENA_BOX_BYTES = 16 * 1024;
const FIRST_CHUNK_BYTES = 4 * 1024;
const MAX_CHUNK_BYTES = 256 * 1024;

/**
 * Bytes appended one after another and let go of from the front, addressed by their position
 * in the stream of everything ever appended: a list of chunks, each written once. A chunk goes
 * when everything in it is released; what was handed out of it (views) stays valid, since no
 * byte is ever written twice. A new chunk is about the size of what is held at the time
 * (4 KiB to 256 KiB), so a quiet room holds little and the room's memory stays within a small
 * multiple of its held bytes.
 */
export class Arena {
  private chunks: Buffer[] = [];
  /** The stream position of each chunk's first byte. */
  private starts: number[] = [];
  private head = 0;
  /** The stream position after the last byte appended. */
  private end = 0;
  /** Bytes left to write in the last chunk (0 when it is an adopted box). */
  private free = 0;
  /** The stream position of the first byte still needed (release). */
  private keepFrom = 0;

  /** Copies `bytes` in; their stream position. */
  copy(bytes: Uint8Array): number {
    const at = this.reserve(bytes.byteLength);
    const chunk = this.chunks[this.chunks.length - 1];
    chunk.set(bytes, at - this.starts[this.starts.length - 1]);
    return at;
  }

  /** Writes a one-byte-per-character text in (a message id: docs/protocol.md §3); its stream position. */
  copyLatin1(text: string): number {
    const at = this.reserve(text.length);
    const chunk = this.chunks[this.chunks.length - 1];
    chunk.write(text, at - this.starts[this.starts.length - 1], text.length, 'latin1');
    return at;
  }

  /** Keeps `bytes` as a chunk of its own, without copying; its stream position. */
  adopt(bytes: Uint8Array): number {
    const at = this.end;
    this.chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.starts.push(at);
    this.end += bytes.byteLength;
    this.free = 0;
    return at;
  }

  /** A view of `length` bytes at stream position `at` (never copied). */
  view(at: number, length: number): Buffer {
    const index = this.chunkAt(at);
    const offset = at - this.starts[index];
    return this.chunks[index].subarray(offset, offset + length);
  }

  readLatin1(at: number, length: number): string {
    const index = this.chunkAt(at);
    const offset = at - this.starts[index];
    return this.chunks[index].toString('latin1', offset, offset + length);
  }

  /** Lets go of every chunk that holds nothing at or after stream position `keepFrom`. */
  release(keepFrom: number): void {
    this.keepFrom = Math.min(keepFrom, this.end);
    while (this.head < this.chunks.length - 1 && this.starts[this.head + 1] <= keepFrom) {
      this.chunks[this.head] = EMPTY;
      this.head += 1;
    }
    if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
  }

  /** Lets go of everything. */
  clear(): void {
    this.chunks = [];
    this.starts = [];
    this.head = 0;
    this.free = 0;
    this.keepFrom = this.end;
  }

  private reserve(length: number): number {
    if (length > this.free) {
      const held = this.end - this.keepFrom;
      let size = FIRST_CHUNK_BYTES;
      while (size < held && size < MAX_CHUNK_BYTES) size *= 2;
      size = Math.max(size, length);
      // Memory of its own: a slice of Node's shared pool would keep the whole pool alive.
      this.chunks.push(Buffer.allocUnsafeSlow(size));
      this.starts.push(this.end);
      this.free = size;
    }
    const at = this.end;
    this.end += length;
    this.free -= length;
    return at;
  }

  /** The chunk holding stream position `at` (binary search: chunks are in stream order). */
  private chunkAt(at: number): number {
    let low = this.head;
    let high = this.chunks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A first-in first-out table of numeric records of `fields` numbers each, in one Float64Array
 * that grows by doubling and drops from its head without shifting (compacted now and then).
 */
export class RecordQueue {
  private data: Float64Array;
  private head = 0;
  private tail = 0;

  constructor(private readonly fields: number) {
    this.data = new Float64Array(fields * 8);
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** Appends a record; its index, valid until the next push or compaction. */
  push(): number {
    if ((this.tail + 1) * this.fields > this.data.length) this.grow();
    this.tail += 1;
    return this.tail - 1 - this.head;
  }

  /** Field `field` of the `index`-th record from the oldest. */
  get(index: number, field: number): number {
    return this.data[(this.head + index) * this.fields + field];
  }

  set(index: number, field: number, value: number): void {
    this.data[(this.head + index) * this.fields + field] = value;
  }

  shift(): void {
    if (this.head < this.tail) this.head += 1;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    }
  }

  /** Keeps only the records for which `keep` (given a record's index) is true, in order. */
  retain(keep: (index: number) => boolean): void {
    let kept = 0;
    for (let index = 0; index < this.length; index++) {
      if (!keep(index)) continue;
      const from = (this.head + index) * this.fields;
      this.data.copyWithin(kept * this.fields, from, from + this.fields);
      kept += 1;
    }
    this.head = 0;
    this.tail = kept;
  }

  clear(): void {
    this.head = 0;
    this.tail = 0;
    this.data = new Float64Array(this.fields * 8);
  }

  private grow(): void {
    const live = this.length * this.fields;
    // Room at the front (records dropped from the head) is reused before the array doubles.
    const size = this.head * this.fields >= live ? this.data.length : this.data.length * 2;
    const data = new Float64Array(size);
    data.set(this.data.subarray(this.head * this.fields, this.tail * this.fields));
    this.data = data;
    this.tail -= this.head;
    this.head = 0;
  }
}
