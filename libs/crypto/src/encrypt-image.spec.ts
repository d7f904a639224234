import { decryptMessage } from './decrypt-message';
import { encryptImage } from './encrypt-image';
import { roomKeysFromMaster } from './room-keys';
import type { MessageContext } from './seal';

const CTX: MessageContext = { roomKey: 'lobby', from: 'alice', id: 'msg_0123456789abcdefAB' };

let encKey: CryptoKey;
beforeAll(async () => {
  encKey = (await roomKeysFromMaster(new Uint8Array(32).fill(42), CTX.roomKey)).encKey;
});

describe('encryptImage and decryptMessage', () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

  it('round trips an image with its optional fields', async () => {
    const image = { mime: 'image/png' as const, bytes, name: 'cat.png', width: 640, height: 480 };
    const box = await encryptImage(encKey, CTX, image);
    expect(await decryptMessage(encKey, CTX, box)).toEqual({ kind: 'image', ...image });
  });

  it('round trips an image with none of them', async () => {
    const box = await encryptImage(encKey, CTX, { mime: 'image/jpeg', bytes });
    expect(await decryptMessage(encKey, CTX, box)).toEqual({ kind: 'image', mime: 'image/jpeg', bytes });
  });

  it('pads to a multiple of 256 bytes', async () => {
    const box = await encryptImage(encKey, CTX, { mime: 'image/gif', bytes: new Uint8Array(1000) });
    expect((box.length - 28) % 256).toBe(0);
  });

  it('reads only the bytes of a view into a larger buffer', async () => {
    const backing = Buffer.concat([Buffer.alloc(13, 0xee), Buffer.from(bytes), Buffer.alloc(5, 0xee)]);
    const box = await encryptImage(encKey, CTX, { mime: 'image/webp', bytes: backing.subarray(13, 13 + bytes.length) });
    expect(await decryptMessage(encKey, CTX, box)).toEqual({ kind: 'image', mime: 'image/webp', bytes });
  });

  it('refuses an empty image', async () => {
    await expect(encryptImage(encKey, CTX, { mime: 'image/png', bytes: new Uint8Array(0) })).rejects.toThrow(RangeError);
  });

  it('refuses a type outside the list', async () => {
    await expect(encryptImage(encKey, CTX, { mime: 'image/svg+xml' as 'image/png', bytes })).rejects.toThrow(TypeError);
  });

  it('refuses a width that is not a positive integer', async () => {
    await expect(encryptImage(encKey, CTX, { mime: 'image/png', bytes, width: -3 })).rejects.toThrow(TypeError);
  });
});
