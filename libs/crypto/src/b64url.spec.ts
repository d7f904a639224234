import { KDF_SALT_PATTERN, VERIFIER_PATTERN } from '@ciphernest/protocol';
import { b64urlDecode, b64urlEncode } from './b64url';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('b64url', () => {
  // RFC 4648 §10, without the padding that §5's unpadded form leaves out.
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes the RFC 4648 vector %j as %j and back', (plain, encoded) => {
    expect(b64urlEncode(ascii(plain))).toBe(encoded);
    expect(b64urlDecode(encoded)).toEqual(ascii(plain));
  });

  it('uses - and _ in place of + and /', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(b64urlEncode(bytes)).toBe('-_-_');
    expect(b64urlDecode('-_-_')).toEqual(bytes);
  });

  it('agrees with Node for every length up to 300 and round trips', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 151 + length * 7) & 0xff);
      const encoded = b64urlEncode(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
      expect(b64urlDecode(encoded)).toEqual(bytes);
    }
  });

  it('encodes large inputs', () => {
    const bytes = new Uint8Array(200_001).map((_, i) => (i * 31) & 0xff);
    expect(b64urlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
  });

  it('encodes only the bytes of a view into a larger buffer', () => {
    const backing = Buffer.from('xxhelloxx');
    expect(b64urlEncode(backing.subarray(2, 7))).toBe(b64urlEncode(ascii('hello')));
  });

  it.each([
    ['padding', 'Zg=='],
    ['padding after a full group', 'Zm8='],
    ['a standard-alphabet +', 'Zm+v'],
    ['a standard-alphabet /', 'Zm/v'],
    ['a space', 'Zm9 v'],
    ['a newline', 'Zm9v\n'],
    ['a non-ASCII character', 'Zm9é'],
    ['an impossible length', 'Zm9vY'],
    ['non-zero trailing bits after one byte', 'Zh'],
    ['non-zero trailing bits after two bytes', 'Zm9'],
  ])('rejects %s', (_, text) => {
    expect(() => b64urlDecode(text)).toThrow(/invalid base64url/);
  });

  it.each([
    ['a salt (16 bytes, 22 characters)', 21, KDF_SALT_PATTERN, 16],
    ['a verifier (32 bytes, 43 characters)', 42, VERIFIER_PATTERN, 32],
  ])('accepts as %s exactly the last characters the protocol pattern accepts', (_, head, pattern, bytes) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const last of alphabet) {
      const text = 'Zm9v_-'.repeat(8).slice(0, head) + last;
      const decoded = (() => {
        try {
          return b64urlDecode(text);
        } catch {
          return undefined;
        }
      })();
      expect(decoded?.length).toBe(pattern.test(text) ? bytes : undefined);
      if (decoded) expect(b64urlEncode(decoded)).toBe(text);
    }
  });

  it('rejects a value that is not a string', () => {
    expect(() => b64urlDecode(42 as unknown as string)).toThrow(TypeError);
  });
});
