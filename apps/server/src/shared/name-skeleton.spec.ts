import fc from 'fast-check';
import unhomoglyph from 'unhomoglyph';
import { nameKey, normalizeName } from '@ciphernest/protocol';
import { nameSkeleton } from './name-skeleton';

const CYRILLIC_A = '\u0430';
const CYRILLIC_O = '\u043E';
const GREEK_OMICRON = '\u03BF';

describe('the confusables table (unhomoglyph, Unicode 13.0 confusables.txt)', () => {
  it.each([
    ['Cyrillic а', CYRILLIC_A, 'a'],
    ['Cyrillic о', CYRILLIC_O, 'o'],
    ['Greek ο', GREEK_OMICRON, 'o'],
    ['m', 'm', 'rn'],
    ['the digit 0', '0', 'O'],
    ['the digit 1', '1', 'l'],
    ['capital I', 'I', 'l'],
    ['mathematical bold A', '\u{1D400}', 'A'],
    ['Han 一', '\u4E00', '\u30FC'],
  ])('maps %s to its prototype', (_label, source, prototype) => {
    expect(unhomoglyph(source)).toBe(prototype);
  });

  it('leaves prototypes and unlisted letters alone', () => {
    expect(unhomoglyph('rn')).toBe('rn');
    expect(unhomoglyph('\u0436')).toBe('\u0436');
    expect(unhomoglyph('\u4E2D')).toBe('\u4E2D');
  });
});

describe('nameSkeleton', () => {
  it.each([
    ['Latin and Cyrillic а (TR39\'s example)', 'paypal', `p${CYRILLIC_A}yp${CYRILLIC_A}l`],
    ['rn and m', 'rn', 'm'],
    ['digit 1 and l', 'a1ice', 'alice'],
    ['Latin and Cyrillic letters only', 'coco', '\u0441\u043E\u0441\u043E'],
    ['Latin and Greek omicron', 'bob', `b${GREEK_OMICRON}b`],
    ['a name and its capitals', 'Alice', 'ALICE'],
    ['digit 0 and letter O, whatever their case', 'B0B', 'bob'],
    ['a mathematical capital and its plain letter', '\u{1D400}lice', 'alice'],
    ['Han 一 and the katakana long vowel mark', '\u4E00', '\u30FC'],
  ])('gives one skeleton to %s', (_label, one, other) => {
    expect(nameSkeleton(one)).toBe(nameSkeleton(other));
  });

  it.each([
    ['an accent', 'café', 'cafe'],
    ['different letters', 'alice', 'alicia'],
    ['b and r', 'bob', 'rob'],
    // Cyrillic м looks like a small capital M, not like m: the table maps it to ʍ.
    ['Cyrillic теам and team', '\u0442\u0435\u0430\u043C', 'team'],
    ['ж and x', '\u0436', 'x'],
  ])('keeps names apart that differ by %s', (_label, one, other) => {
    expect(nameSkeleton(one)).not.toBe(nameSkeleton(other));
  });

  it('settles a prototype that decomposes into a mark the table maps again (ǆ)', () => {
    expect(nameSkeleton('\u01C6')).toBe(nameSkeleton(nameSkeleton('\u01C6')));
  });

  it('gives every name the skeleton of its key, so one key is always one skeleton', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 32 }), (raw) => {
        const name = normalizeName(raw);
        expect(nameSkeleton(name)).toBe(nameSkeleton(nameKey(name)));
        const shouted = [...name].map((character) => (nameKey(character.toUpperCase()) === nameKey(character) ? character.toUpperCase() : character)).join('');
        if (nameKey(shouted) === nameKey(name)) expect(nameSkeleton(shouted)).toBe(nameSkeleton(name));
      }),
      { numRuns: 2_000 },
    );
  });

  it('is its own skeleton (a fixed point)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 32 }), (raw) => {
        const skeleton = nameSkeleton(normalizeName(raw));
        expect(nameSkeleton(skeleton)).toBe(skeleton);
      }),
      { numRuns: 2_000 },
    );
  });
});
