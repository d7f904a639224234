// Real GIF89a files for tests, built byte by byte (no image library): a four-colour palette,
// frames of colour indices, and optionally the blocks a GIF picks up in editors (a comment,
// XMP metadata) and the NETSCAPE2.0 loop extension that makes browsers repeat an animation.

export type Rgb = [number, number, number];

export interface GifSpec {
  width: number;
  height: number;
  /** Four colours. */
  palette: [Rgb, Rgb, Rgb, Rgb];
  /** Each frame's colour indices (0..3), row by row, width × height of them. */
  frames: number[][];
  /** The NETSCAPE2.0 extension, looping forever (default: when there are several frames). */
  loop?: boolean;
  /** A comment extension, before the first frame. */
  comment?: string;
  /** An XMP application extension ("XMP DataXMP"), before the first frame. */
  xmp?: string;
  /** Delay between frames, in hundredths of a second. */
  delay?: number;
}

const MIN_CODE_SIZE = 2;

/** Data sub-blocks of at most 255 bytes, then the terminator. */
function subBlocks(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at < data.length; at += 255) {
    const part = data.subarray(at, at + 255);
    out.push(part.length, ...part);
  }
  out.push(0);
  return out;
}

/**
 * LZW data that every decoder reads: 3-bit codes, a clear code before every two pixels, so the
 * code table never grows to the next code size (no compression, which tests do not need).
 */
function lzw(pixels: readonly number[]): Uint8Array {
  const clear = 1 << MIN_CODE_SIZE;
  const codes: number[] = [];
  for (let at = 0; at < pixels.length; at += 2) codes.push(clear, ...pixels.slice(at, at + 2));
  codes.push(clear + 1);
  const bits = MIN_CODE_SIZE + 1;
  const out = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  codes.forEach((code, index) => {
    for (let bit = 0; bit < bits; bit++) {
      const position = index * bits + bit;
      if (code & (1 << bit)) out[position >> 3] |= 1 << (position & 7);
    }
  });
  return out;
}

const u16 = (value: number) => [value & 0xff, value >> 8];
const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0));

export function makeGif(spec: GifSpec): Uint8Array<ArrayBuffer> {
  const { width, height, palette, frames } = spec;
  for (const frame of frames) if (frame.length !== width * height) throw new Error('a frame needs width × height indices');
  const bytes: number[] = [...ascii('GIF89a'), ...u16(width), ...u16(height), 0xf1, 0, 0, ...palette.flat()];
  if (spec.comment !== undefined) bytes.push(0x21, 0xfe, ...subBlocks(new TextEncoder().encode(spec.comment)));
  if (spec.loop ?? frames.length > 1) bytes.push(0x21, 0xff, 11, ...ascii('NETSCAPE2.0'), 3, 1, 0, 0, 0);
  if (spec.xmp !== undefined) bytes.push(0x21, 0xff, 11, ...ascii('XMP DataXMP'), ...subBlocks(new TextEncoder().encode(spec.xmp)));
  for (const frame of frames) {
    bytes.push(0x21, 0xf9, 4, 0x04, ...u16(spec.delay ?? 20), 0, 0);
    bytes.push(0x2c, ...u16(0), ...u16(0), ...u16(width), ...u16(height), 0);
    bytes.push(MIN_CODE_SIZE, ...subBlocks(lzw(frame)));
  }
  bytes.push(0x3b);
  return Uint8Array.from(bytes);
}

/** Two frames, red then blue, looping: an animation a re-encode through a canvas would freeze. */
export function twoFrameGif(extra: Pick<GifSpec, 'comment' | 'xmp'> = {}): Uint8Array<ArrayBuffer> {
  const size = 8 * 6;
  return makeGif({
    width: 8,
    height: 6,
    palette: [[220, 40, 40], [40, 80, 220], [255, 255, 255], [0, 0, 0]],
    frames: [new Array<number>(size).fill(0), new Array<number>(size).fill(1)],
    ...extra,
  });
}
