import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kdf } from '@ciphernest/protocol';
import { argon2Master, b64urlDecode, decryptMessage, deriveRoomKeys, roomKeysFromMaster, type MessageContext } from './index';

interface E2eVector {
  password: string;
  passwordNfc: string;
  kdf: Kdf;
  roomKey: string;
  master: string;
  verifier: string;
  fingerprint: string;
  message: { from: string; id: string; box: string; text: string };
}

// Committed data, generated once outside this library (see its description field).
const vector = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'e2e-vector.json'), 'utf8')) as E2eVector;
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('the committed end-to-end vector (docs/protocol.md §2-3)', () => {
  const ctx: MessageContext = { roomKey: vector.roomKey, from: vector.message.from, id: vector.message.id };

  it('has a password that NFC changes, so it exercises normalisation', () => {
    expect(vector.password).not.toBe(vector.passwordNfc);
    expect(vector.password.normalize('NFC')).toBe(vector.passwordNfc);
  });

  it('derives the stated master from the password as given and from its NFC form', async () => {
    expect(toHex(await argon2Master(vector.password, vector.kdf))).toBe(vector.master);
    expect(toHex(await argon2Master(vector.passwordNfc, vector.kdf))).toBe(vector.master);
  });

  it('derives the stated verifier and fingerprint', async () => {
    const keys = await deriveRoomKeys(vector.password, vector.roomKey, vector.kdf);
    expect(keys.verifier).toBe(vector.verifier);
    expect(keys.fingerprint).toBe(vector.fingerprint);
  });

  it('opens the stated box to the stated text', async () => {
    const { encKey } = await roomKeysFromMaster(new Uint8Array(Buffer.from(vector.master, 'hex')), vector.roomKey);
    expect(await decryptMessage(encKey, ctx, b64urlDecode(vector.message.box))).toEqual({ kind: 'text', text: vector.message.text });
  });

  it('does not open it under another sender', async () => {
    const { encKey } = await roomKeysFromMaster(new Uint8Array(Buffer.from(vector.master, 'hex')), vector.roomKey);
    await expect(decryptMessage(encKey, { ...ctx, from: 'Zoe' }, b64urlDecode(vector.message.box))).rejects.toThrow('box does not open');
  });
});
