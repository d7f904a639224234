import { isAcceptableKdf } from '@ciphernest/protocol';
import { b64urlDecode } from './b64url';
import { KdfRejectedError } from './kdf-rejected-error';
import { newKdf } from './new-kdf';

describe('newKdf', () => {
  it('defaults to Argon2id with m 65536, t 3, p 1 and a 16-byte salt', () => {
    const kdf = newKdf();
    expect(kdf).toEqual({ alg: 'argon2id', m: 65536, t: 3, p: 1, salt: expect.any(String) });
    expect(b64urlDecode(kdf.salt)).toHaveLength(16);
    expect(isAcceptableKdf(kdf)).toBe(true);
  });

  it('takes m and t', () => {
    expect(newKdf({ m: 19456, t: 2 })).toMatchObject({ m: 19456, t: 2, p: 1 });
  });

  it('picks a fresh salt every time', () => {
    expect(newKdf().salt).not.toBe(newKdf().salt);
  });

  it.each([{ m: 19455 }, { m: 262145 }, { t: 1 }, { t: 11 }, { m: 65536.5 }])('refuses %p', (params) => {
    expect(() => newKdf(params)).toThrow(KdfRejectedError);
  });
});
