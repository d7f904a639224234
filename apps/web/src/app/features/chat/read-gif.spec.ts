import { makeGif, twoFrameGif } from '../../../../../../test/browser/support/make-gif';
import { GifFormatError, readGif } from './read-gif';

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe('readGif', () => {
  it('hands back a GIF with nothing to drop as the very same bytes, with its frames and size', () => {
    const gif = twoFrameGif();
    const read = readGif(gif);

    expect(read).toEqual({ bytes: gif, frames: 2, width: 8, height: 6, stripped: false });
    expect(read.bytes).toBe(gif);
  });

  it('drops a comment and XMP data, keeping every frame and the loop: the same bytes as the GIF made without them', () => {
    const read = readGif(twoFrameGif({ comment: 'Taken at 12 Rue de Rivoli', xmp: '<x:xmpmeta><gps>48.86,2.33</gps></x:xmpmeta>' }));

    expect(read.stripped).toBe(true);
    expect(read.frames).toBe(2);
    expect(Array.from(read.bytes)).toEqual(Array.from(twoFrameGif()));
    expect(text(read.bytes)).toContain('NETSCAPE2.0');
    expect(text(read.bytes)).not.toContain('Rivoli');
    expect(text(read.bytes)).not.toContain('XMP');
  });

  it('keeps a single-frame GIF without a loop as it is', () => {
    const still = makeGif({ width: 2, height: 2, palette: [[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0]], frames: [[0, 1, 2, 3]] });

    expect(readGif(still)).toEqual({ bytes: still, frames: 1, width: 2, height: 2, stripped: false });
  });

  it('drops what follows the trailer', () => {
    const gif = twoFrameGif();
    const read = readGif(Uint8Array.from([...gif, ...new TextEncoder().encode('hidden payload')]));

    expect(read.stripped).toBe(true);
    expect(Array.from(read.bytes)).toEqual(Array.from(gif));
  });

  it('gives a GIF that ends after a complete frame its missing trailer', () => {
    const gif = twoFrameGif();
    const read = readGif(gif.subarray(0, gif.length - 1));

    expect(read.frames).toBe(2);
    expect(Array.from(read.bytes)).toEqual(Array.from(gif));
  });

  // Header (6), logical screen (7) and a four-colour table (12): blocks start at byte 25.
  it('drops an application extension it does not know, even one that looks like the loop extension', () => {
    const gif = twoFrameGif();
    const fake = [0x21, 0xff, 11, ...new TextEncoder().encode('NETSCAPE2.1'), 3, 1, 0, 0, 0];
    const withFake = Uint8Array.from([...gif.subarray(0, 25), ...fake, ...gif.subarray(25)]);

    expect(Array.from(readGif(withFake).bytes)).toEqual(Array.from(gif));
  });

  it.each<[string, Uint8Array]>([
    ['a PNG', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['nothing at all', new Uint8Array(0)],
    ['a header only', new TextEncoder().encode('GIF89a')],
    ['a GIF whose size is zero', Uint8Array.from([...twoFrameGif().subarray(0, 6), 0, 0, 6, 0, ...twoFrameGif().subarray(10)])],
    ['a GIF cut inside its global colour table', twoFrameGif().subarray(0, 20)],
    ['a GIF cut inside a frame', twoFrameGif().subarray(0, 70)],
    ['a GIF with no frame', Uint8Array.from([...twoFrameGif().subarray(0, 25), 0x3b])],
    ['a GIF with an unknown block', Uint8Array.from([...twoFrameGif().subarray(0, 25), 0x99, 0x3b])],
  ])('refuses %s', (_, bytes) => {
    expect(() => readGif(bytes)).toThrow(GifFormatError);
  });

  it('says where a GIF breaks', () => {
    expect(() => readGif(twoFrameGif().subarray(0, 70))).toThrow(new GifFormatError('it ends inside a frame'));
  });

  it('refuses a frame whose code size no decoder takes', () => {
    const gif = twoFrameGif();
    const damaged = gif.slice();
    // The first frame's LZW minimum code size follows its 10-byte image descriptor.
    const frame = damaged.indexOf(0x2c, 25);
    damaged[frame + 10] = 12;

    expect(() => readGif(damaged)).toThrow(/code size/);
  });
});
