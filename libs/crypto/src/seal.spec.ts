import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { MessageRejectedError } from './message-rejected-error';
import { roomKeysFromMaster } from './room-keys';
import { messageAad, open, seal, type MessageContext } from './seal';

const MASTER = new Uint8Array(32).map((_, i) => 255 - i * 3);
const CTX: MessageContext = { roomKey: 'café lounge', from: 'Zoë', id: 'AAAAAAAAAAAAAAAAAAAAAA' };
const PLAINTEXT = new TextEncoder().encode('attack at dawn, or maybe brunch');

// The key node:crypto derives on its own from the same master (docs/protocol.md §2).
const nodeEncKey = (): Buffer =>
  Buffer.from(hkdfSync('sha256', MASTER, Buffer.alloc(0), Buffer.from(`ciphernest/v1/enc/${CTX.roomKey}`, 'utf8'), 32));
// The AAD spelled out independently of messageAad (docs/protocol.md §3).
const nodeAad = (ctx: MessageContext): Buffer => Buffer.from(`ciphernest/v1/msg/${ctx.roomKey}/${ctx.from}/${ctx.id}`, 'utf8');

function nodeOpen(box: Uint8Array, ctx: MessageContext): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', nodeEncKey(), box.subarray(0, 12));
  decipher.setAAD(nodeAad(ctx));
  decipher.setAuthTag(box.subarray(box.length - 16));
  return Buffer.concat([decipher.update(box.subarray(12, box.length - 16)), decipher.final()]);
}

function nodeSeal(plaintext: Uint8Array, ctx: MessageContext): Buffer {
  const iv = Buffer.from('0123456789ab');
  const cipher = createCipheriv('aes-256-gcm', nodeEncKey(), iv);
  cipher.setAAD(nodeAad(ctx));
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

const encKey = async (): Promise<CryptoKey> => (await roomKeysFromMaster(MASTER, CTX.roomKey)).encKey;

describe('messageAad', () => {
  it('is UTF-8 of "ciphernest/v1/msg/<roomKey>/<from>/<id>"', () => {
    expect(Buffer.from(messageAad(CTX)).toString('utf8')).toBe('ciphernest/v1/msg/café lounge/Zoë/AAAAAAAAAAAAAAAAAAAAAA');
  });

  it.each<[string, MessageContext]>([
    ['an id that is too short', { ...CTX, id: 'short' }],
    ['an id with a slash', { ...CTX, id: 'AAAAAAAA/AAAAAAAAAAAAA' }],
    ['an empty sender', { ...CTX, from: '' }],
    ['an empty room key', { ...CTX, roomKey: '' }],
  ])('refuses %s', (_, ctx) => {
    expect(() => messageAad(ctx)).toThrow(TypeError);
  });
});

describe('seal', () => {
  it('makes a box node:crypto opens with its own HKDF key and the §3 AAD', async () => {
    const box = await seal(await encKey(), CTX, PLAINTEXT);
    expect(box).toHaveLength(12 + PLAINTEXT.length + 16);
    expect(nodeOpen(box, CTX)).toEqual(Buffer.from(PLAINTEXT));
  });

  it('picks a fresh iv every time', async () => {
    const key = await encKey();
    const a = await seal(key, CTX, PLAINTEXT);
    const b = await seal(key, CTX, PLAINTEXT);
    expect(Buffer.from(a.subarray(0, 12)).equals(Buffer.from(b.subarray(0, 12)))).toBe(false);
  });

  it('reads only the bytes of a plaintext that is a view into a larger buffer', async () => {
    const backing = Buffer.concat([Buffer.from('junk'), Buffer.from(PLAINTEXT), Buffer.from('junk')]);
    const box = await seal(await encKey(), CTX, backing.subarray(4, 4 + PLAINTEXT.length));
    expect(nodeOpen(box, CTX)).toEqual(Buffer.from(PLAINTEXT));
  });

  it('refuses a malformed context', async () => {
    await expect(seal(await encKey(), { ...CTX, id: 'x' }, PLAINTEXT)).rejects.toThrow(TypeError);
  });
});

describe('open', () => {
  it('opens a box node:crypto sealed', async () => {
    expect(await open(await encKey(), CTX, nodeSeal(PLAINTEXT, CTX))).toEqual(PLAINTEXT);
  });

  it('opens a box that is a Buffer slice of a larger ArrayBuffer', async () => {
    const box = nodeSeal(PLAINTEXT, CTX);
    const backing = Buffer.alloc(box.length + 100, 0xaa);
    box.copy(backing, 37);
    const slice = backing.subarray(37, 37 + box.length);
    expect(slice.byteOffset).toBeGreaterThan(0);
    expect(await open(await encKey(), CTX, slice)).toEqual(PLAINTEXT);
  });

  it('opens a box given as an ArrayBuffer, as browsers receive it', async () => {
    const box = await seal(await encKey(), CTX, PLAINTEXT);
    expect(await open(await encKey(), CTX, box.buffer)).toEqual(PLAINTEXT);
  });

  it.each<[string, MessageContext]>([
    ['sender', { ...CTX, from: 'Mallory' }],
    ['id', { ...CTX, id: 'BAAAAAAAAAAAAAAAAAAAAA' }],
    ['room key', { ...CTX, roomKey: 'cafe lounge' }],
  ])('rejects a box whose %s was relabelled', async (_, ctx) => {
    const box = await seal(await encKey(), CTX, PLAINTEXT);
    await expect(open(await encKey(), ctx, box)).rejects.toThrow(MessageRejectedError);
  });

  it.each([
    ['the iv', 0],
    ['the ciphertext', 12],
    ['the tag', -1],
  ])('rejects a box with a bit flipped in %s', async (_, at) => {
    const box = await seal(await encKey(), CTX, PLAINTEXT);
    box[at < 0 ? box.length + at : at] ^= 0x01;
    await expect(open(await encKey(), CTX, box)).rejects.toThrow(MessageRejectedError);
  });

  it('rejects a truncated box', async () => {
    const box = await seal(await encKey(), CTX, PLAINTEXT);
    await expect(open(await encKey(), CTX, box.subarray(0, box.length - 1))).rejects.toThrow(MessageRejectedError);
  });

  it.each([0, 27])('rejects a box of %i bytes, under MIN_BOX_BYTES', async (length) => {
    await expect(open(await encKey(), CTX, new Uint8Array(length))).rejects.toThrow(/shorter than 28 bytes/);
  });

  it('opens an empty plaintext from a box of exactly 28 bytes', async () => {
    const box = await seal(await encKey(), CTX, new Uint8Array(0));
    expect(box).toHaveLength(28);
    expect(await open(await encKey(), CTX, box)).toHaveLength(0);
  });

  it('rejects a box sealed under another room’s key', async () => {
    const other = (await roomKeysFromMaster(new Uint8Array(32), CTX.roomKey)).encKey;
    const box = await seal(other, CTX, PLAINTEXT);
    await expect(open(await encKey(), CTX, box)).rejects.toThrow(MessageRejectedError);
  });

  it('rejects a malformed context as MessageRejectedError', async () => {
    const box = await seal(await encKey(), CTX, PLAINTEXT);
    await expect(open(await encKey(), { ...CTX, id: 'bad id' }, box)).rejects.toThrow(MessageRejectedError);
  });

  it('rejects a box that is not binary', async () => {
    await expect(open(await encKey(), CTX, 'box' as unknown as Uint8Array)).rejects.toThrow(MessageRejectedError);
  });
});
