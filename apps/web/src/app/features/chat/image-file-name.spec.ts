import { imageFileName } from './image-file-name';

describe('imageFileName', () => {
  const at = new Date(2026, 11, 7, 15, 42, 3);

  it('offers the name the sender gave', () => {
    expect(imageFileName({ name: 'sunset.jpg', mime: 'image/jpeg' }, at)).toBe('sunset.jpg');
  });

  it.each([
    ['image/jpeg', 'image-2026-12-07-154203.jpg'],
    ['image/png', 'image-2026-12-07-154203.png'],
    ['image/webp', 'image-2026-12-07-154203.webp'],
    ['image/gif', 'image-2026-12-07-154203.gif'],
  ] as const)('otherwise names a %s after its time', (mime, name) => {
    expect(imageFileName({ mime }, at)).toBe(name);
    expect(imageFileName({ mime, name: '  ' }, at)).toBe(name);
  });
});
