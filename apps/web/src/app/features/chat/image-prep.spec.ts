import { TestBed } from '@angular/core/testing';

import { makeGif, twoFrameGif } from '../../../../../../test/browser/support/make-gif';
import { type DecodedImage, type DrawnImage, IMAGE_CODEC, type ImageCodec, ImagePrep, ImagePrepError, MAX_IMAGE_SIDE, MAX_SOURCE_BYTES, SMALL_PNG_BYTES, fitWithin } from './image-prep';

interface Draw {
  width: number;
  height: number;
  opaque: boolean;
}

/** A codec that "decodes" to a given size and "encodes" to blobs of given sizes. */
class FakeCodec implements ImageCodec {
  size = { width: 4000, height: 3000 };
  transparent = false;
  pngBytes = 1000;
  jpegBytes: (quality: number) => number = () => 2000;
  failDecode = false;
  closed = 0;
  readonly draws: Draw[] = [];
  readonly encodes: { mime: string; quality?: number }[] = [];

  async decode(): Promise<DecodedImage> {
    if (this.failDecode) throw new Error('not an image');
    return { ...this.size, close: () => this.closed++ };
  }

  draw(_image: DecodedImage, width: number, height: number, opaque: boolean): DrawnImage {
    this.draws.push({ width, height, opaque });
    return {
      hasTransparency: () => this.transparent && !opaque,
      encode: async (mime, quality) => {
        this.encodes.push({ mime, quality });
        const size = mime === 'image/png' ? this.pngBytes : this.jpegBytes(quality ?? 1);
        return new Blob([new Uint8Array(size)], { type: mime });
      },
    };
  }
}

describe('fitWithin', () => {
  it('scales the longer side down to the limit, keeping the aspect ratio', () => {
    expect(fitWithin(4000, 3000, 2560)).toEqual({ width: 2560, height: 1920 });
    expect(fitWithin(1000, 5120, 2560)).toEqual({ width: 500, height: 2560 });
  });

  it('never scales up', () => {
    expect(fitWithin(640, 480, 2560)).toEqual({ width: 640, height: 480 });
  });
});

describe('ImagePrep', () => {
  let codec: FakeCodec;
  let prep: ImagePrep;

  beforeEach(() => {
    codec = new FakeCodec();
    TestBed.configureTestingModule({ providers: [{ provide: IMAGE_CODEC, useValue: codec }] });
    prep = TestBed.inject(ImagePrep);
  });

  const file = (type: string, size = 10) => new Blob([new Uint8Array(size)], { type });

  it('re-encodes a photo as JPEG at most 2,560 px on its longer side', async () => {
    const image = await prep.prepare(file('image/jpeg'));

    expect(image).toEqual({ mime: 'image/jpeg', bytes: expect.any(Uint8Array), width: 2560, height: 1920 });
    expect(image.bytes).toHaveLength(2000);
    expect(codec.draws).toEqual([{ width: 2560, height: 1920, opaque: true }]);
    expect(codec.closed).toBe(1);
  });

  it('keeps a small transparent image as PNG', async () => {
    codec.size = { width: 300, height: 200 };
    codec.transparent = true;
    const image = await prep.prepare(file('image/png'));

    expect(image.mime).toBe('image/png');
    expect(image).toEqual(expect.objectContaining({ width: 300, height: 200 }));
    expect(image.note).toBeUndefined();
  });

  it('turns a large transparent image into JPEG and says so', async () => {
    codec.transparent = true;
    codec.pngBytes = SMALL_PNG_BYTES + 1;
    const image = await prep.prepare(file('image/png'));

    expect(image.mime).toBe('image/jpeg');
    expect(image.note).toBe('Transparent areas became white.');
  });

  it('turns an opaque PNG into JPEG', async () => {
    const image = await prep.prepare(file('image/png'));

    expect(image.mime).toBe('image/jpeg');
    expect(codec.encodes.map((encode) => encode.mime)).toEqual(['image/jpeg']);
  });

  it('sends an animated GIF with nothing to strip byte for byte, without drawing it', async () => {
    const gif = twoFrameGif();
    const image = await prep.prepare(new Blob([gif], { type: 'image/gif' }));

    expect(image).toEqual({ mime: 'image/gif', bytes: gif, width: 8, height: 6 });
    expect(codec.draws).toEqual([]);
  });

  it('sends an animated GIF without its comment and XMP data, every frame kept', async () => {
    const image = await prep.prepare(new Blob([twoFrameGif({ comment: 'secret', xmp: '<x:xmpmeta/>' })], { type: 'image/gif' }));

    expect(image.mime).toBe('image/gif');
    expect(Array.from(image.bytes)).toEqual(Array.from(twoFrameGif()));
    expect(image.note).toBeUndefined();
  });

  it(`makes a GIF wider than ${MAX_IMAGE_SIDE} px a still image and says so`, async () => {
    const wide = makeGif({ width: MAX_IMAGE_SIDE + 1, height: 1, palette: [[0, 0, 0], [9, 9, 9], [99, 99, 99], [255, 255, 255]], frames: [new Array<number>(MAX_IMAGE_SIDE + 1).fill(2)] });
    const image = await prep.prepare(new Blob([wide], { type: 'image/gif' }));

    expect(image.mime).toBe('image/jpeg');
    expect(image.note).toBe('This GIF is too large to send as an animation, so it was sent as a still image.');
  });

  it('refuses a malformed GIF, saying why, and draws nothing', async () => {
    const cut = twoFrameGif().subarray(0, 70);

    await expect(prep.prepare(new Blob([cut], { type: 'image/gif' }))).rejects.toThrow(new ImagePrepError('This GIF could not be read (it ends inside a frame), so it was not sent.'));
    expect(codec.draws).toEqual([]);
  });

  it('lowers the JPEG quality until the image fits', async () => {
    codec.jpegBytes = (quality) => (quality > 0.8 ? 9_000_000 : 3_000_000);
    const image = await prep.prepare(file('image/jpeg'));

    expect(image.bytes).toHaveLength(3_000_000);
    expect(codec.encodes.map((encode) => encode.quality)).toEqual([0.85, 0.72]);
  });

  it('refuses an image that stays over the message limit', async () => {
    codec.jpegBytes = () => 9_000_000;

    await expect(prep.prepare(file('image/jpeg'))).rejects.toThrow(new ImagePrepError('This image is too large to send, even after shrinking it (the limit is 8 MB).'));
    expect(codec.closed).toBe(1);
  });

  it('refuses files that are not images', async () => {
    await expect(prep.prepare(file('application/pdf'))).rejects.toThrow(ImagePrepError);
    await expect(prep.prepare(file(''))).rejects.toThrow('Only images can be attached, and this file is not an image.');
    expect(codec.draws).toEqual([]);
  });

  it('refuses an image it cannot read', async () => {
    codec.failDecode = true;

    await expect(prep.prepare(file('image/jpeg'))).rejects.toThrow('This image could not be read. Try a JPEG or PNG file.');
  });

  it('refuses a huge file before decoding it', async () => {
    const huge = { type: 'image/jpeg', size: MAX_SOURCE_BYTES + 1 } as Blob;

    await expect(prep.prepare(huge)).rejects.toThrow(ImagePrepError);
  });
});
