import { MESSAGE_ID_PATTERN } from '@ciphernest/protocol';
import { b64urlDecode } from './b64url';
import { newMessageId, randomBytes } from './random-bytes';

describe('randomBytes', () => {
  it('returns the requested number of bytes', () => {
    expect(randomBytes(0)).toHaveLength(0);
    expect(randomBytes(12)).toHaveLength(12);
  });

  it('fills lengths beyond getRandomValues’ 65,536-byte limit', () => {
    const bytes = randomBytes(200_000);
    expect(bytes).toHaveLength(200_000);
    // The last chunk is filled too: 4,096 zero bytes by chance is impossible in practice.
    expect(bytes.subarray(bytes.length - 4096).some((byte) => byte !== 0)).toBe(true);
  });

  it.each([-1, 1.5, Number.NaN])('refuses the length %p', (length) => {
    expect(() => randomBytes(length)).toThrow(RangeError);
  });
});

describe('newMessageId', () => {
  it('is 22 characters of b64url for 16 bytes, accepted by MESSAGE_ID_PATTERN', () => {
    const id = newMessageId();
    expect(id).toHaveLength(22);
    expect(id).toMatch(MESSAGE_ID_PATTERN);
    expect(b64urlDecode(id)).toHaveLength(16);
  });

  it('is different every time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newMessageId()));
    expect(ids.size).toBe(100);
  });
});
