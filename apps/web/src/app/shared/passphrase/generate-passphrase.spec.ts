import { readFileSync } from 'node:fs';
import { generatePassphrase, randomIndex, type RandomSource } from './generate-passphrase';

/**
 * BIP-39's English list as the app bundles it. The package is ESM-only, which this CommonJS
 * jest project does not transform, so the spec reads the same file's words directly.
 */
function bip39English(): string[] {
  const source = readFileSync(require.resolve('@scure/bip39/wordlists/english.js'), 'utf8');
  return source.slice(source.indexOf('`') + 1, source.lastIndexOf('`')).split('\n');
}

/** A random source that hands out the given 32-bit values in turn. */
function sequence(...values: number[]): RandomSource & { calls: number } {
  const source = Object.assign(
    (array: Uint32Array) => {
      array[0] = values[source.calls++ % values.length];
      return array;
    },
    { calls: 0 },
  );
  return source;
}

describe('randomIndex', () => {
  it('reduces a draw below the limit modulo the size', () => {
    expect(randomIndex(10, sequence(123))).toBe(3);
  });

  it('draws again when the value falls in the incomplete top stretch of the range', () => {
    // 2^32 mod 10 = 6, so the last 6 values (2^32 - 6 .. 2^32 - 1) would favour 0..5.
    const random = sequence(2 ** 32 - 6, 2 ** 32 - 1, 7);

    expect(randomIndex(10, random)).toBe(7);
    expect(random.calls).toBe(3);
  });

  it('accepts the last value below the limit', () => {
    const random = sequence(2 ** 32 - 7);

    expect(randomIndex(10, random)).toBe((2 ** 32 - 7) % 10);
    expect(random.calls).toBe(1);
  });

  it('refuses an empty range', () => {
    expect(() => randomIndex(0)).toThrow(RangeError);
  });

  it('spreads real draws over the whole range', () => {
    const seen = new Set(Array.from({ length: 400 }, () => randomIndex(8)));

    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('generatePassphrase', () => {
  const words = bip39English();

  it('has the 2,048 words of the bundled list to draw from', () => {
    expect(words).toHaveLength(2048);
    expect(new Set(words).size).toBe(2048);
    expect(words[0]).toBe('abandon');
    expect(words[2047]).toBe('zoo');
  });

  it('joins six words of the list with spaces', () => {
    const passphrase = generatePassphrase(words);

    const parts = passphrase.split(' ');
    expect(parts).toHaveLength(6);
    for (const part of parts) expect(words).toContain(part);
  });

  it('picks the words the random source points at', () => {
    expect(generatePassphrase(words, 3, sequence(0, 2047, 2048 + 1))).toBe('abandon zoo ability');
  });

  it('gives a different passphrase each time', () => {
    const passphrases = new Set(Array.from({ length: 20 }, () => generatePassphrase(words)));

    expect(passphrases.size).toBe(20);
  });
});
