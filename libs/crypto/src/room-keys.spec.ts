import { hkdfSync } from 'node:crypto';
import { VERIFIER_PATTERN } from '@ciphernest/protocol';
import * as argon2MasterModule from './argon2-master';
import { b64urlEncode } from './b64url';
import { deriveRoomKeys, encKeyBytesFromMaster, formatFingerprint, importEncKey, roomKeysFromMaster } from './room-keys';
import { open, seal } from './seal';

const MASTER = new Uint8Array(32).map((_, i) => i * 7 + 1);

function nodeHkdf(master: Uint8Array, label: string, roomKey: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), Buffer.from(`ciphernest/v1/${label}/${roomKey}`, 'utf8'), length));
}

afterEach(() => jest.restoreAllMocks());

describe('roomKeysFromMaster', () => {
  it('derives the verifier as b64url of HKDF-SHA256(master, empty salt, "ciphernest/v1/verifier/<roomKey>", 32)', async () => {
    const { verifier } = await roomKeysFromMaster(MASTER, 'café lounge');
    expect(verifier).toHaveLength(43);
    expect(verifier).toMatch(VERIFIER_PATTERN);
    expect(verifier).toBe(nodeHkdf(MASTER, 'verifier', 'café lounge', 32).toString('base64url'));
  });

  it('derives the fingerprint from 10 bytes of HKDF with the "fingerprint" label', async () => {
    const { fingerprint } = await roomKeysFromMaster(MASTER, 'café lounge');
    expect(fingerprint).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){4}$/);
    expect(fingerprint.replaceAll('-', '')).toBe(nodeHkdf(MASTER, 'fingerprint', 'café lounge', 10).toString('hex'));
  });

  it('makes a non-extractable AES-256-GCM key for encrypt and decrypt only', async () => {
    const { encKey } = await roomKeysFromMaster(MASTER, 'lobby');
    expect(encKey.type).toBe('secret');
    expect(encKey.extractable).toBe(false);
    expect(encKey.algorithm).toEqual({ name: 'AES-GCM', length: 256 });
    expect([...encKey.usages].sort()).toEqual(['decrypt', 'encrypt']);
    await expect(globalThis.crypto.subtle.exportKey('raw', encKey)).rejects.toThrow();
  });

  it('gives another room key other keys', async () => {
    const a = await roomKeysFromMaster(MASTER, 'lobby');
    const b = await roomKeysFromMaster(MASTER, 'lobby2');
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  it('reads only the bytes of a master that is a view into a larger buffer', async () => {
    const backing = Buffer.alloc(40, 0xee);
    backing.set(MASTER, 5);
    const viaView = await roomKeysFromMaster(backing.subarray(5, 37), 'lobby');
    expect(viaView.verifier).toBe((await roomKeysFromMaster(MASTER, 'lobby')).verifier);
  });

  it('refuses a master that is not 32 bytes', async () => {
    await expect(roomKeysFromMaster(new Uint8Array(31), 'lobby')).rejects.toThrow(RangeError);
  });

  it('refuses an empty room key', async () => {
    await expect(roomKeysFromMaster(MASTER, '')).rejects.toThrow(TypeError);
  });
});

describe('encKeyBytesFromMaster and importEncKey', () => {
  const ctx = { roomKey: 'lobby', from: 'Ada', id: 'AAAAAAAAAAAAAAAAAAAAAA' };

  it('gives the 32 bytes of HKDF-SHA256(master, empty salt, "ciphernest/v1/enc/<roomKey>")', async () => {
    expect(Buffer.from(await encKeyBytesFromMaster(MASTER, 'café lounge'))).toEqual(nodeHkdf(MASTER, 'enc', 'café lounge', 32));
  });

  it('imports them as the same encKey as roomKeysFromMaster, non-extractable', async () => {
    const { encKey } = await roomKeysFromMaster(MASTER, 'lobby');
    const imported = await importEncKey(await encKeyBytesFromMaster(MASTER, 'lobby'));
    expect(imported.extractable).toBe(false);
    expect(imported.algorithm).toEqual({ name: 'AES-GCM', length: 256 });
    expect([...imported.usages].sort()).toEqual(['decrypt', 'encrypt']);
    expect(Buffer.from(await open(imported, ctx, await seal(encKey, ctx, Buffer.from('same key'))))).toEqual(Buffer.from('same key'));
  });

  it('refuses a master that is not 32 bytes, an empty room key, and key bytes that are not 32', async () => {
    await expect(encKeyBytesFromMaster(new Uint8Array(31), 'lobby')).rejects.toThrow(RangeError);
    await expect(encKeyBytesFromMaster(MASTER, '')).rejects.toThrow(TypeError);
    await expect(importEncKey(new Uint8Array(16))).rejects.toThrow(RangeError);
  });
});

describe('deriveRoomKeys', () => {
  it('is roomKeysFromMaster over argon2Master, and zeroes the master afterwards', async () => {
    const master = new Uint8Array(MASTER);
    const spy = jest.spyOn(argon2MasterModule, 'argon2Master').mockResolvedValue(master);
    const kdf = { alg: 'argon2id' as const, m: 19456, t: 2, p: 1, salt: b64urlEncode(new Uint8Array(16)) };
    const keys = await deriveRoomKeys('correct horse', 'lobby', kdf);
    expect(spy).toHaveBeenCalledWith('correct horse', kdf);
    expect(keys.verifier).toBe((await roomKeysFromMaster(MASTER, 'lobby')).verifier);
    expect(master.every((byte) => byte === 0)).toBe(true);
  });
});

describe('formatFingerprint', () => {
  it('shows 10 bytes as five groups of four lowercase hex digits', () => {
    const bytes = new Uint8Array([0x3f, 0x9a, 0x07, 0xc1, 0xb2, 0xe4, 0x9d, 0x10, 0x5a, 0x6b]);
    expect(formatFingerprint(bytes)).toBe('3f9a-07c1-b2e4-9d10-5a6b');
  });

  it.each([9, 11, 0])('refuses %i bytes', (length) => {
    expect(() => formatFingerprint(new Uint8Array(length))).toThrow(RangeError);
  });
});
