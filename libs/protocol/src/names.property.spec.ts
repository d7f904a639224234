import fc from 'fast-check';
import { checkRoomName, checkUsername, nameKey, normalizeName, ROOM_NAME_MAX, USERNAME_MAX, type NameCheck } from './names';

// PROTOCOL.md §1 as properties: whatever string arrives, the checks answer without throwing, and
// whatever they accept is normalised, keyed and made of the allowed classes only.

// Letters, marks, digits, space, - _ . but not the invisible ones or the keycap (see names.ts).
const ALLOWED_CHARACTER = /^(?![\p{Default_Ignorable_Code_Point}\u20E3])[\p{L}\p{M}\p{N} ._-]$/u;

/** Strings of any code points, lone surrogates included (what a hostile client can put in JSON). */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 80 }),
);

/** Characters that sit at the edges of the rule: marks that compose, edge whitespace, invisible and bidi controls, emoji parts. */
const trickyCharacter = fc.constantFrom(
  'a', 'A', 'é', 'e\u0301', 'E\u0301', 'İ', 'ß', 'ẞ', 'Σ', 'ς', 'ﬁ', 'Å', '\u212B', '\u1E9B\u0323',
  ' ', '\u00A0', '\t', '\n', '\u2003', '\u3000', '\uFEFF', '\u200B', '\u200C', '\u200D', '\u2060', '\u034F',
  '\u202E', '\u2066', '\u2069', '\u200E', '\u061C', '\u{1F600}', '\u{1F44D}\u{1F3FD}', '\u{1F1EB}\u{1F1F7}', '\uFE0F', '\u20E3',
  '\uD800', '\uDFFF', '-', '_', '.', '/', '%', '?', '#', '\u0000', '\u0085', '٣', '²', '\u{1D49C}', '\u3164',
);
const trickyText = fc.array(trickyCharacter, { maxLength: 70 }).map((parts) => parts.join(''));

/** Names built from the allowed classes only, with surrounding whitespace that trim() removes. */
const allowedCharacter = fc.oneof(
  fc.constantFrom(' ', '.', '-', '_', 'a', 'Z', '0', 'é', 'ß', 'Σ', 'ж', '中', 'ﾃ', '٣', 'ⅷ', '\u0301', '\u{1D49C}'),
  fc.integer({ min: 0x20, max: 0x2fff }).map((code) => String.fromCodePoint(code)).filter((character) => ALLOWED_CHARACTER.test(character)),
);
const edgeSpace = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u00A0', '\u3000', '\uFEFF');

function codePoints(text: string): string[] {
  return [...text];
}

const CHECKS: [string, (raw: unknown) => NameCheck, number][] = [
  ['checkRoomName', checkRoomName, ROOM_NAME_MAX],
  ['checkUsername', checkUsername, USERNAME_MAX],
];

describe('normalizeName', () => {
  it('is idempotent for any string', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, trickyText), (raw) => {
        const once = normalizeName(raw);
        expect(normalizeName(once)).toBe(once);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves no whitespace at either end and yields NFC', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, trickyText), (raw) => {
        const normalized = normalizeName(raw);
        expect(normalized).toBe(normalized.trim());
        expect(normalized).toBe(normalized.normalize('NFC'));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe.each(CHECKS)('%s', (_label, check, max) => {
  it('never throws, whatever the value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), anyText, trickyText), (raw) => {
        const result = check(raw);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts only normalised names of 1 to max code points of the allowed classes, keyed by their lower case', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, trickyText), (raw) => {
        const result = check(raw);
        if (!result.ok) return;
        expect(result.name).toBe(normalizeName(raw));
        expect(result.key).toBe(result.name.toLowerCase());
        expect(result.key).toBe(nameKey(result.name));
        const characters = codePoints(result.name);
        expect(characters.length).toBeGreaterThanOrEqual(1);
        expect(characters.length).toBeLessThanOrEqual(max);
        expect(characters.filter((character) => !ALLOWED_CHARACTER.test(character))).toEqual([]);
      }),
      { numRuns: 3_000 },
    );
  });

  it('refuses every name holding a character outside the allowed classes, and says so', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, trickyText), (raw) => {
        const normalized = normalizeName(raw);
        const length = codePoints(normalized).length;
        const bad = codePoints(normalized).some((character) => !ALLOWED_CHARACTER.test(character));
        const result = check(raw);
        if (length === 0) expect(result).toEqual({ ok: false, problem: 'empty' });
        else if (length > max) expect(result).toEqual({ ok: false, problem: 'too-long' });
        else if (bad) expect(result).toEqual({ ok: false, problem: 'bad-character' });
        else expect(result.ok).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('accepts any name of allowed characters, whatever whitespace surrounds it', () => {
    fc.assert(
      fc.property(edgeSpace, fc.array(allowedCharacter, { minLength: 1, maxLength: max }), edgeSpace, (before, characters, after) => {
        const core = characters.join('');
        fc.pre(normalizeName(core).length > 0 && codePoints(normalizeName(core)).length <= max);
        const result = check(`${before}${core}${after}`);
        expect(result).toEqual({ ok: true, name: normalizeName(core), key: normalizeName(core).toLowerCase() });
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives an accepted name back unchanged when checked again (idempotent)', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, trickyText), (raw) => {
        const first = check(raw);
        if (!first.ok) return;
        expect(check(first.name)).toEqual(first);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives canonically equivalent spellings (NFC and NFD) the same name and key', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, trickyText), (raw) => {
        const composed = check(raw.normalize('NFC'));
        const decomposed = check(raw.normalize('NFD'));
        // NFD may lengthen a name past the limit before normalisation shortens it again: the
        // rule counts after NFC, so both spellings must be judged alike.
        expect(decomposed).toEqual(composed);
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects bidi controls, zero-width characters and emoji wherever they stand', () => {
    const forbidden = fc.constantFrom('\u202E', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\u200C', '\u200D', '\u2060', '\u{1F600}', '\u{1F1EB}', '\u{E0041}');
    fc.assert(
      fc.property(fc.array(allowedCharacter, { maxLength: 10 }), forbidden, fc.array(allowedCharacter, { maxLength: 10 }), (before, bad, after) => {
        const result = check(`x${before.join('')}${bad}${after.join('')}x`);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });
});
