import { codePointLength } from './code-point-length';

describe('codePointLength', () => {
  it.each([
    ['an empty text', '', 0],
    ['ASCII', 'hello', 5],
    ['accents, precomposed and combining', 'Caf\u00e9 Cafe\u0301', 10],
    ['astral characters (two UTF-16 units each)', '👋🏽𝒜', 3],
    ['a lone high surrogate', 'a\ud83db', 3],
    ['a lone low surrogate', 'a\udc4bb', 3],
    ['a low surrogate before a high one (no pair)', '\udc4b\ud83d', 2],
  ])('counts %s', (_, text, expected) => {
    expect(codePointLength(text)).toBe(expected);
  });

  it('stops once the count passes stopAfter', () => {
    expect(codePointLength('👋'.repeat(10), 3)).toBe(4);
    expect(codePointLength('👋'.repeat(3), 3)).toBe(3);
    expect(codePointLength('x'.repeat(2), 3)).toBe(2);
  });
});
