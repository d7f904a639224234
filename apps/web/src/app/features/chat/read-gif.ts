/** A GIF as {@link readGif} left it: its frames and loop kept, anything else dropped. */
export interface CleanGif {
  /** The input itself when there was nothing to drop; otherwise a copy without it. */
  bytes: Uint8Array;
  /** Its image descriptors. */
  frames: number;
  /** The logical screen's size. */
  width: number;
  height: number;
  /** True when something was dropped (comments, application data, bytes after the trailer). */
  stripped: boolean;
}

/** A GIF that does not follow its block structure; the message says where it breaks. */
export class GifFormatError extends Error {
  override readonly name = 'GifFormatError';
}

const HEADER_BYTES = 6;
const SCREEN_END = 13;
const IMAGE_DESCRIPTOR = 0x2c;
const EXTENSION = 0x21;
const TRAILER = 0x3b;
const GRAPHIC_CONTROL = 0xf9;
const APPLICATION = 0xff;
/** The application extensions that say how an animation loops: kept. */
const LOOP_APPLICATIONS = ['NETSCAPE2.0', 'ANIMEXTS1.0'];
/** LZW codes are at most 12 bits, so the minimum code size is at most 11. */
const MAX_LZW_MINIMUM = 11;

function colorTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
}

/** Reads a GIF's blocks (GIF89a spec) one at a time. */
class GifReader {
  position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get atEnd(): boolean {
    return this.position >= this.bytes.length;
  }

  byte(what: string): number {
    if (this.atEnd) throw new GifFormatError(`it ends inside ${what}`);
    return this.bytes[this.position++];
  }

  skip(count: number, what: string): void {
    if (this.position + count > this.bytes.length) throw new GifFormatError(`it ends inside ${what}`);
    this.position += count;
  }

  /** Data sub-blocks up to their terminator; the bytes of the first one. */
  subBlocks(what: string): Uint8Array {
    const firstSize = this.byte(what);
    const first = this.bytes.subarray(this.position, this.position + firstSize);
    this.skip(firstSize, what);
    for (let size = firstSize; size !== 0; ) {
      size = this.byte(what);
      this.skip(size, what);
    }
    return first;
  }
}

function isLoopApplication(identifier: Uint8Array): boolean {
  return identifier.length === 11 && LOOP_APPLICATIONS.includes(String.fromCharCode(...identifier));
}

/**
 * Walks a GIF's blocks and keeps what draws it: the header and colour tables, every frame
 * (image descriptor, its graphic control extension and its data) and the loop extension
 * (NETSCAPE2.0). Dropped: comment extensions, every other application extension (XMP, ICC
 * profiles, an editor's private data), plain text extensions, extensions of unknown labels and
 * anything after the trailer. Only the block structure is read; the frames' LZW data is copied
 * as it is, so an animation stays exactly as drawn. A GIF whose last frame is complete but whose
 * trailer is missing gets one.
 *
 * @throws GifFormatError when `bytes` is not a GIF, has a size of zero, breaks its structure,
 *   ends inside a block or holds no frame.
 */
export function readGif(bytes: Uint8Array): CleanGif {
  const signature = String.fromCharCode(...bytes.subarray(0, HEADER_BYTES));
  if (signature !== 'GIF87a' && signature !== 'GIF89a') throw new GifFormatError('it does not start as a GIF does');
  if (bytes.length < SCREEN_END) throw new GifFormatError('it ends inside its header');
  const width = bytes[6] | (bytes[7] << 8);
  const height = bytes[8] | (bytes[9] << 8);
  if (width === 0 || height === 0) throw new GifFormatError('its size is zero');
  const reader = new GifReader(bytes);
  reader.skip(SCREEN_END + colorTableBytes(bytes[10]), 'its global colour table');
  const kept: [number, number][] = [[0, reader.position]];
  let frames = 0;
  let stripped = false;
  let ended = false;
  while (!ended) {
    if (reader.atEnd) {
      if (frames === 0) throw new GifFormatError('it ends before its first frame');
      stripped = true;
      break;
    }
    const start = reader.position;
    const block = reader.byte('a block');
    if (block === TRAILER) {
      ended = true;
      kept.push([start, reader.position]);
      stripped ||= !reader.atEnd;
    } else if (block === IMAGE_DESCRIPTOR) {
      reader.skip(8, 'an image descriptor');
      reader.skip(colorTableBytes(reader.byte('an image descriptor')), 'a local colour table');
      if (reader.byte('a frame') > MAX_LZW_MINIMUM) throw new GifFormatError('a frame has an impossible code size');
      reader.subBlocks('a frame');
      kept.push([start, reader.position]);
      frames++;
    } else if (block === EXTENSION) {
      const label = reader.byte('an extension');
      const first = reader.subBlocks('an extension');
      const keep = label === GRAPHIC_CONTROL || (label === APPLICATION && isLoopApplication(first));
      if (keep) kept.push([start, reader.position]);
      else stripped = true;
    } else {
      throw new GifFormatError(`it has an unknown block (0x${block.toString(16).padStart(2, '0')})`);
    }
  }
  if (frames === 0) throw new GifFormatError('it holds no frame');
  if (!stripped) return { bytes, frames, width, height, stripped };
  return { bytes: concatRanges(bytes, kept, ended ? [] : [TRAILER]), frames, width, height, stripped };
}

function concatRanges(bytes: Uint8Array, ranges: readonly [number, number][], tail: readonly number[]): Uint8Array {
  const length = ranges.reduce((sum, [start, end]) => sum + end - start, 0) + tail.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const [start, end] of ranges) {
    out.set(bytes.subarray(start, end), at);
    at += end - start;
  }
  out.set(tail, at);
  return out;
}
