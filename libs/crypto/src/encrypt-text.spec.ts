import { MAX_TEXT_CHARS } from '@ciphernest/protocol';
import { decryptMessage } from './decrypt-message';
import { encryptText } from './encrypt-text';
import { roomKeysFromMaster } from './room-keys';
import type { MessageContext } from './seal';

const CTX: MessageContext = { roomKey: 'lobby', from: 'alice', id: 'msg_0123456789abcdefAB' };

let encKey: CryptoKey;
beforeAll(async () => {
  encKey = (await roomKeysFromMaster(new Uint8Array(32).fill(42), CTX.roomKey)).encKey;
});

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

  it.each(['', ' ', '\n\t \u3000'])('refuses a blank text %j (nothing to send)', async (text) => {
    await expect(encryptText(encKey, CTX, text)).rejects.toThrow(RangeError);
  });
});
