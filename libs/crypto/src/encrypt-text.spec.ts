import { MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { decryptMessage, encryptImage, encryptText } from './decrypt-message';
import { encodePlaintext } from './message-header';
import { MessageRejectedError } from './message-rejected-error';
import { roomKeysFromMaster } from './room-keys';
import { seal, type MessageContext } from './seal';

const CTX: MessageContext = { roomKey: 'lobby', from: 'alice', id: 'msg_0123456789abcdefAB' };
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

let encKey: CryptoKey;
beforeAll(async () => {
  encKey = (await roomKeysFromMaster(new Uint8Array(32).fill(42), CTX.roomKey)).encKey;
});

/** Seals a plaintext framed by hand, as a misbehaving member could. */
async function sealRaw(headerJson: string, body: Uint8Array): Promise<Uint8Array> {
  const header = utf8(headerJson);
  const plaintext = new Uint8Array(4 + header.length + body.length);
  new DataView(plaintext.buffer).setUint32(0, header.length);
  plaintext.set(header, 4);
  plaintext.set(body, 4 + header.length);
  return seal(encKey, CTX, plaintext);
}

describe('encryptText and decryptMessage', () => {
  it.each([
    ['ASCII', 'hello'],
    ['accents, CJK and emoji', 'Grüße, 世界! 👋🏽 e\u0301'],
    ['a leading byte-order mark', '\ufeffkept as typed'],
    ['newlines and markup, as plain text', 'line 1\n<script>alert(1)</script>'],
  ])('round trips %s', async (_, text) => {
    const box = await encryptText(encKey, CTX, text);
    expect(await decryptMessage(encKey, CTX, box)).toEqual({ kind: 'text', text });
  });

  it('pads the plaintext to a multiple of 256 bytes', async () => {
    for (const text of ['a', 'x'.repeat(300), '👋'.repeat(100)]) {
      const box = await encryptText(encKey, CTX, text);
      expect((box.length - 12 - 16) % 256).toBe(0);
    }
    expect(await encryptText(encKey, CTX, 'a')).toHaveLength(256 + 28);
  });

  it('counts the limit in characters (code points), not UTF-16 units or bytes', async () => {
    const text = '👋'.repeat(MAX_TEXT_CHARS);
    expect(await decryptMessage(encKey, CTX, await encryptText(encKey, CTX, text))).toEqual({ kind: 'text', text });
  });

  it.each(['x', '👋'])('refuses a text of MAX_TEXT_CHARS + 1 times %j', async (character) => {
    await expect(encryptText(encKey, CTX, character.repeat(MAX_TEXT_CHARS + 1))).rejects.toThrow(RangeError);
  });

  it('refuses an empty text (nothing to send)', async () => {
    await expect(encryptText(encKey, CTX, '')).rejects.toThrow(RangeError);
  });

  it('accepts an empty text from another client, which PROTOCOL.md does not forbid', async () => {
    const box = await seal(encKey, CTX, encodePlaintext({ kind: 'text', len: 0 }, new Uint8Array(0)));
    expect(await decryptMessage(encKey, CTX, box)).toEqual({ kind: 'text', text: '' });
  });

  it('rejects a received text over MAX_TEXT_CHARS characters', async () => {
    const body = utf8('x'.repeat(MAX_TEXT_CHARS + 1));
    const box = await seal(encKey, CTX, encodePlaintext({ kind: 'text', len: body.length }, body));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(new MessageRejectedError(`text is longer than ${MAX_TEXT_CHARS} characters`));
  });

  it('rejects a received text that is not valid UTF-8', async () => {
    const box = await sealRaw('{"kind":"text","len":2}', new Uint8Array([0xc3, 0x28]));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(new MessageRejectedError('text is not valid UTF-8'));
  });

  it.each<[string, MessageContext]>([
    ['sender', { ...CTX, from: 'mallory' }],
    ['id', { ...CTX, id: 'msg_0123456789abcdefAC' }],
    ['room key', { ...CTX, roomKey: 'lobby2' }],
  ])('rejects a message whose %s was relabelled', async (_, ctx) => {
    const box = await encryptText(encKey, CTX, 'hi');
    await expect(decryptMessage(encKey, ctx, box)).rejects.toThrow(MessageRejectedError);
  });

  it('rejects a tampered or truncated box', async () => {
    const box = await encryptText(encKey, CTX, 'hi');
    const flipped = box.slice();
    flipped[40] ^= 0x80;
    await expect(decryptMessage(encKey, CTX, flipped)).rejects.toThrow(MessageRejectedError);
    await expect(decryptMessage(encKey, CTX, box.subarray(0, 100))).rejects.toThrow(MessageRejectedError);
  });

  it('rejects an authentic box whose plaintext is malformed', async () => {
    const box = await sealRaw('{"kind":"text","len":99}', utf8('hi'));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(new MessageRejectedError('body runs past the end of the plaintext'));
  });
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

  it('rejects a received image of an unknown type', async () => {
    const box = await sealRaw('{"kind":"image","len":3,"mime":"image/svg+xml"}', utf8('<a>'));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(MessageRejectedError);
  });
});
