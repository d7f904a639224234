/** Fills a Uint32Array with random values; `crypto.getRandomValues` outside tests. */
export type RandomSource = (array: Uint32Array) => Uint32Array;

const defaultRandom: RandomSource = (array) => globalThis.crypto.getRandomValues(array);

/**
 * A uniformly random index below `size`. Values from the top, incomplete stretch of the
 * 32-bit range are drawn again (rejection sampling), so no index is favoured.
 */
export function randomIndex(size: number, random: RandomSource = defaultRandom): number {
  if (!Number.isInteger(size) || size < 1 || size > 2 ** 32) throw new RangeError('randomIndex: size must be 1 to 2^32');
  const limit = 2 ** 32 - (2 ** 32 % size);
  const draw = new Uint32Array(1);
  for (;;) {
    random(draw);
    if (draw[0] < limit) return draw[0] % size;
  }
}

/** `count` words drawn independently and uniformly from `words`, joined by single spaces. */
export function generatePassphrase(words: readonly string[], count = 6, random: RandomSource = defaultRandom): string {
  if (words.length < 2) throw new RangeError('generatePassphrase: the word list is too short');
  return Array.from({ length: count }, () => words[randomIndex(words.length, random)]).join(' ');
}
