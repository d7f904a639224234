import { MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { decryptMessage } from './decrypt-message';
import { encryptText } from './encrypt-text';
import { encodePlaintext } from './message-header';
import { MessageRejectedError, UnknownKindError } from './message-rejected-error';
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

describe('decryptMessage', () => {
  it.each(['', '  ', '\n\t'])('rejects a blank text %j from another client (docs/protocol.md §3: at least one character after trimming)', async (text) => {
    const body = utf8(text);
    const box = await seal(encKey, CTX, encodePlaintext({ kind: 'text', len: body.length }, body));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(new MessageRejectedError('text is blank'));
  });

  it('opens a text whose header carries fields of a later version, ignoring them', async () => {
    const box = await sealRaw('{"kind":"text","len":2,"replyTo":"msg_0123456789abcdefXY"}', utf8('hi'));
    expect(await decryptMessage(encKey, CTX, box)).toEqual({ kind: 'text', text: 'hi' });
  });

  it('refuses a message of a kind it does not know with UnknownKindError, to be dropped silently', async () => {
    const box = await sealRaw('{"kind":"reaction","len":2}', utf8('hi'));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(UnknownKindError);
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

  it('rejects a received image of an unknown type', async () => {
    const box = await sealRaw('{"kind":"image","len":3,"mime":"image/svg+xml"}', utf8('<a>'));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(MessageRejectedError);
  });
});

describe('decryptMessage and the message actions (layer v1 does not authenticate senders)', () => {
  it.each([
    ['a reply', '{"kind":"reply","len":2,"to":"msg_0123456789abcdefXY"}', 'hi'],
    ['a reaction', '{"kind":"reaction","len":0,"to":"msg_0123456789abcdefXY","emoji":"\u{1F44D}","on":true}', ''],
    ['a delete', '{"kind":"delete","len":0,"to":"msg_0123456789abcdefXY"}', ''],
  ])('drops %s as a kind it does not know (UnknownKindError): actions are read inside layer v2 only', async (_, header, text) => {
    const box = await sealRaw(header, utf8(text));
    await expect(decryptMessage(encKey, CTX, box)).rejects.toThrow(UnknownKindError);
  });
});
