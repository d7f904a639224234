import { DOCUMENT, Injectable, InjectionToken, inject } from '@angular/core';
import { DEFAULT_LIMITS } from '@ciphernest/protocol';

import { type CleanGif, GifFormatError, readGif } from './read-gif';

/**
 * An image ready to encrypt: re-encoded, so no EXIF or location data survives; or a GIF as it
 * was, without its comments and application data ({@link readGif}), so it stays animated.
 */
export interface PreparedImage {
  mime: 'image/jpeg' | 'image/png' | 'image/gif';
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Something the sender should know, e.g. that an animation became a still. */
  note?: string;
}

/** A refusal with a sentence to show the person who picked the file. */
export class ImagePrepError extends Error {
  override readonly name = 'ImagePrepError';
}

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  close(): void;
}

export interface DrawnImage {
  hasTransparency(): boolean;
  /** Resolves with undefined when the browser cannot encode. */
  encode(mime: 'image/jpeg' | 'image/png', quality?: number): Promise<Blob | undefined>;
}

/** Decoding and drawing, separate so the sizing rules can be tested without a canvas. */
export interface ImageCodec {
  /** Rejects when the bytes are not a decodable image. */
  decode(file: Blob): Promise<DecodedImage>;
  /** `opaque` paints a white background first, for formats without alpha. */
  draw(image: DecodedImage, width: number, height: number, opaque: boolean): DrawnImage;
}

export const MAX_IMAGE_SIDE = 2560;
/** Larger files are refused before decoding, so a huge file cannot freeze the tab. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
/** A transparent image stays PNG only up to this size; beyond it JPEG is far smaller. */
export const SMALL_PNG_BYTES = 2 * 1024 * 1024;
/** Room for the iv, tag, length prefix, JSON header and padding around the image bytes. */
const BOX_OVERHEAD_BYTES = 1024;
const JPEG_QUALITIES = [0.85, 0.72, 0.6, 0.45];

/** The size of an image scaled down (never up) so that its longer side is at most `maxSide`. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

class CanvasImage implements DecodedImage {
  constructor(readonly bitmap: ImageBitmap) {}
  get width(): number {
    return this.bitmap.width;
  }
  get height(): number {
    return this.bitmap.height;
  }
  close(): void {
    this.bitmap.close();
  }
}

/** The browser's codec: createImageBitmap (EXIF orientation applied) and a 2D canvas. */
export function canvasImageCodec(document: Document): ImageCodec {
  return {
    async decode(file) {
      return new CanvasImage(await createImageBitmap(file, { imageOrientation: 'from-image' }));
    },
    draw(image, width, height, opaque) {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) throw new ImagePrepError('This browser cannot process images.');
      if (opaque) {
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, width, height);
      }
      context.imageSmoothingQuality = 'high';
      context.drawImage((image as CanvasImage).bitmap, 0, 0, width, height);
      return {
        hasTransparency() {
          const pixels = context.getImageData(0, 0, width, height).data;
          for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha] !== 255) return true;
          return false;
        },
        encode(mime, quality) {
          return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? undefined), mime, quality));
        },
      };
    },
  };
}

export const IMAGE_CODEC = new InjectionToken<ImageCodec>('ImageCodec', {
  providedIn: 'root',
  factory: () => canvasImageCodec(inject(DOCUMENT)),
});

function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * Re-encodes images for sending: decoded and drawn on a canvas (which drops EXIF and
 * location data), scaled so the longer side is at most {@link MAX_IMAGE_SIDE} px, written as
 * JPEG, or PNG when the image has transparency and stays small. A GIF is not drawn (a canvas
 * keeps only its first frame): its blocks are read and it goes as it was, without comments and
 * application data, when it fits and is at most {@link MAX_IMAGE_SIDE} px; one too large goes
 * as a still; a malformed one is refused. Refusals are {@link ImagePrepError}s whose message is
 * the sentence to show.
 */
@Injectable({ providedIn: 'root' })
export class ImagePrep {
  private readonly codec = inject(IMAGE_CODEC);

  async prepare(file: Blob, maxBoxBytes: number = DEFAULT_LIMITS.maxMessageBytes): Promise<PreparedImage> {
    if (!file.type.startsWith('image/')) throw new ImagePrepError('Only images can be attached, and this file is not an image.');
    if (file.size > MAX_SOURCE_BYTES) {
      throw new ImagePrepError(`This image is too large to send (the limit is ${formatMegabytes(MAX_SOURCE_BYTES)} before shrinking).`);
    }
    const budget = maxBoxBytes - BOX_OVERHEAD_BYTES;
    const notes: string[] = [];
    if (file.type === 'image/gif') {
      const gif = await this.readGif(file);
      if (gif.bytes.length <= budget && Math.max(gif.width, gif.height) <= MAX_IMAGE_SIDE) {
        return { mime: 'image/gif', bytes: gif.bytes, width: gif.width, height: gif.height };
      }
      notes.push('This GIF is too large to send as an animation, so it was sent as a still image.');
    }
    let image: DecodedImage;
    try {
      image = await this.codec.decode(file);
    } catch {
      throw new ImagePrepError('This image could not be read. Try a JPEG or PNG file.');
    }
    try {
      return await this.reencode(image, file.type, budget, notes);
    } finally {
      image.close();
    }
  }

  private async readGif(file: Blob): Promise<CleanGif> {
    try {
      return readGif(new Uint8Array(await file.arrayBuffer()));
    } catch (error) {
      if (error instanceof GifFormatError) throw new ImagePrepError(`This GIF could not be read (${error.message}), so it was not sent.`);
      throw error;
    }
  }

  private async reencode(image: DecodedImage, sourceMime: string, budget: number, notes: string[]): Promise<PreparedImage> {
    const { width, height } = fitWithin(image.width, image.height, MAX_IMAGE_SIDE);
    if (sourceMime !== 'image/jpeg') {
      const drawn = this.codec.draw(image, width, height, false);
      if (drawn.hasTransparency()) {
        const png = await drawn.encode('image/png');
        if (png && png.size <= Math.min(SMALL_PNG_BYTES, budget)) return this.result('image/png', png, width, height, notes);
        notes.push('Transparent areas became white.');
      }
    }
    const drawn = this.codec.draw(image, width, height, true);
    let encoded = false;
    for (const quality of JPEG_QUALITIES) {
      const jpeg = await drawn.encode('image/jpeg', quality);
      if (!jpeg) continue;
      encoded = true;
      if (jpeg.size <= budget) return this.result('image/jpeg', jpeg, width, height, notes);
    }
    if (!encoded) throw new ImagePrepError('This browser could not convert the image.');
    throw new ImagePrepError(`This image is too large to send, even after shrinking it (the limit is ${formatMegabytes(budget)}).`);
  }

  private async result(mime: 'image/jpeg' | 'image/png', blob: Blob, width: number, height: number, notes: string[]): Promise<PreparedImage> {
    const prepared: PreparedImage = { mime, bytes: new Uint8Array(await blob.arrayBuffer()), width, height };
    if (notes.length > 0) prepared.note = notes.join(' ');
    return prepared;
  }
}
