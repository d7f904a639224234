import { wordlist } from '@scure/bip39/wordlists/english.js';
import { randomBytes } from '../random-bytes';
import { safetyNumber } from './safety-number';
import { SAFETY_EMOJI } from './safety-emoji';

// A safety number is 10,400 SHA-512 rounds through WebCrypto (about 0.4 s alone): on a loaded
// machine, with the other suites, a few of them take longer than jest's default 5 s.
jest.setTimeout(60_000);

const ada = { name: 'Ada', signPublic: randomBytes(32) };
const bo = { name: 'Bo', signPublic: randomBytes(32) };

describe('safety numbers', () => {
  it('are 12 groups of 5 digits, 18 words and 34 emoji, the same from both ends', async () => {
    const number = await safetyNumber(ada, bo, wordlist);
    expect(number.groups).toHaveLength(12);
    for (const group of number.groups) expect(group).toMatch(/^\d{5}$/);
    expect(number.words).toHaveLength(18);
    for (const word of number.words) expect(wordlist).toContain(word);
    expect(number.emoji).toHaveLength(34);
    expect(await safetyNumber(bo, ada, wordlist)).toEqual(number);
  });

  it('change with the name a key is shown under', async () => {
    const number = await safetyNumber(ada, bo, wordlist);
    expect((await safetyNumber({ ...ada, name: 'Eve' }, bo, wordlist)).groups).not.toEqual(number.groups);
  });

  it('refuse a word list that is not BIP-39\'s 2048 words', async () => {
    await expect(safetyNumber(ada, bo, wordlist.slice(1))).rejects.toThrow(RangeError);
  });

  it('use 64 distinct emoji of one code point each, with distinct names', () => {
    expect(new Set(SAFETY_EMOJI.map((entry) => entry.emoji)).size).toBe(64);
    expect(new Set(SAFETY_EMOJI.map((entry) => entry.name)).size).toBe(64);
    for (const { emoji } of SAFETY_EMOJI) expect(emoji).toMatch(/^\p{Emoji_Presentation}$/u);
  });
});
