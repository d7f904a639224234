import { argon2id } from 'hash-wasm';
import type { Kdf } from '@ciphernest/protocol';
import { argon2idRaw, argon2Master } from './argon2-master';
import { b64urlEncode } from './b64url';
import { KdfRejectedError } from './kdf-rejected-error';
import { deriveRoomKeys } from './room-keys';

jest.mock('hash-wasm', () => {
  const actual = jest.requireActual<typeof import('hash-wasm')>('hash-wasm');
  return { ...actual, argon2id: jest.fn(actual.argon2id) };
});

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const FAST_KDF: Kdf = { alg: 'argon2id', m: 19456, t: 2, p: 1, salt: b64urlEncode(new Uint8Array(16).fill(7)) };

beforeEach(() => jest.mocked(argon2id).mockClear());

describe('argon2idRaw', () => {
  // RFC 9106 §5.3's Argon2id vector needs 12 bytes of associated data; hash-wasm 4.13.0
  // always hashes an empty associated data (lib/argon2.ts) and has no option for it, so
  // that vector cannot be expressed. These are the reference implementation's Argon2id
  // version 0x13 vectors instead, as published in P-H-C/phc-winner-argon2 src/test.c
  // (the hashtest() calls under "Test Argon2id version number"):
  // hashtest(version, t, log2(m), p, pwd, salt, hexref, mcfref), 32-byte output.
  it.each([
    { t: 2, m: 1 << 8, p: 1, password: 'password', salt: 'somesalt', hex: '9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe' },
    { t: 2, m: 1 << 8, p: 2, password: 'password', salt: 'somesalt', hex: '6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037' },
    { t: 1, m: 1 << 16, p: 1, password: 'password', salt: 'somesalt', hex: 'f6a5adc1ba723dddef9b5ac1d464e180fcd9dffc9d1cbf76cca2fed795d9ca98' },
    { t: 2, m: 1 << 16, p: 1, password: 'password', salt: 'diffsalt', hex: 'bdf32b05ccc42eb15d58fd19b1f856b113da1e9a5874fdcc544308565aa8141c' },
  ])('matches the reference vector t=$t m=$m p=$p salt=$salt', async ({ t, m, p, password, salt, hex }) => {
    const hash = await argon2idRaw({ password: utf8(password), salt: utf8(salt), m, t, p, length: 32 });
    expect(toHex(hash)).toBe(hex);
  });

  it('reads only the bytes of views into larger buffers', async () => {
    const backing = Buffer.from('__password__somesalt__');
    const hash = await argon2idRaw({ password: backing.subarray(2, 10), salt: backing.subarray(12, 20), m: 256, t: 2, p: 1, length: 32 });
    expect(toHex(hash)).toBe('9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe');
  });

  it('keys the hash with a secret when given one', async () => {
    const base = { password: utf8('password'), salt: utf8('somesalt'), m: 256, t: 2, p: 1, length: 32 };
    const keyed = await argon2idRaw({ ...base, secret: new Uint8Array(8).fill(3) });
    expect(toHex(keyed)).not.toBe('9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe');
  });
});

describe('argon2Master', () => {
  it('is the 32-byte Argon2id of the UTF-8 password with the kdf’s salt and costs', async () => {
    const master = await argon2Master('correct horse', FAST_KDF);
    // Also shows the spy the refusal tests rely on sees the library's calls.
    expect(argon2id).toHaveBeenCalledTimes(1);
    const raw = await argon2idRaw({ password: utf8('correct horse'), salt: new Uint8Array(16).fill(7), m: 19456, t: 2, p: 1, length: 32 });
    expect(master).toHaveLength(32);
    expect(toHex(master)).toBe(toHex(raw));
  });

  it('normalises the password to NFC', async () => {
    const decomposed = 'Cafe\u0301 cre\u0300me';
    const composed = 'Caf\u00e9 cr\u00e8me';
    expect(decomposed).not.toBe(composed);
    expect(toHex(await argon2Master(decomposed, FAST_KDF))).toBe(toHex(await argon2Master(composed, FAST_KDF)));
  });

  it('does not trim the password', async () => {
    expect(toHex(await argon2Master('password ', FAST_KDF))).not.toBe(toHex(await argon2Master('password', FAST_KDF)));
  });

  const salt15 = b64urlEncode(new Uint8Array(15));
  const salt17 = b64urlEncode(new Uint8Array(17));
  it.each<[string, unknown]>([
    ['m below the range', { ...FAST_KDF, m: 19455 }],
    ['m above the range', { ...FAST_KDF, m: 262145 }],
    ['a fractional m', { ...FAST_KDF, m: 19456.5 }],
    ['m as a string', { ...FAST_KDF, m: '65536' }],
    ['t below the range', { ...FAST_KDF, t: 1 }],
    ['t above the range', { ...FAST_KDF, t: 11 }],
    ['p = 2', { ...FAST_KDF, p: 2 }],
    ['a 15-byte salt', { ...FAST_KDF, salt: salt15 }],
    ['a 17-byte salt', { ...FAST_KDF, salt: salt17 }],
    ['a padded salt', { ...FAST_KDF, salt: `${FAST_KDF.salt}==` }],
    ['no salt', { alg: 'argon2id', m: 19456, t: 2, p: 1 }],
    ['an extra field', { ...FAST_KDF, secret: 'x' }],
    ['another algorithm', { ...FAST_KDF, alg: 'argon2i' }],
    ['null', null],
  ])('refuses %s with KdfRejectedError before any work', async (_, kdf) => {
    const refusal = argon2Master('correct horse', kdf as Kdf);
    await expect(refusal).rejects.toThrow(KdfRejectedError);
    await expect(refusal).rejects.toMatchObject({ name: 'KdfRejectedError', problems: expect.arrayContaining([expect.any(String)]) });
    expect(argon2id).not.toHaveBeenCalled();
  });

  it('makes deriveRoomKeys refuse too, before any work', async () => {
    await expect(deriveRoomKeys('correct horse', 'lobby', { ...FAST_KDF, p: 2 })).rejects.toThrow(KdfRejectedError);
    expect(argon2id).not.toHaveBeenCalled();
  });
});
