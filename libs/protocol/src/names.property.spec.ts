import fc from 'fast-check';
import { SCRIPT_NAMES } from './is-single-script';
import { checkRoomName, checkUsername, nameKey, normalizeName, ROOM_NAME_MAX, USERNAME_MAX, type NameCheck } from './names';

// docs/protocol.md §1 as properties: whatever string arrives, the checks answer without throwing, and
// whatever they accept is normalised, keyed, made of the allowed classes only and of one script
// (or one of the mixes UTS #39's highly restrictive level allows).

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

// ---- the script rule, stated as UTS #39 §5.1 states it (a second reading of is-single-script.ts) ----

const SCRIPT_PATTERNS = SCRIPT_NAMES.map((name) => [name, new RegExp(`\\p{Script_Extensions=${name}}`, 'u')] as const);
const scriptsSeen = new Map<string, Set<string>>();

/**
 * A character's Script_Extensions (empty for Common and Inherited), augmented: Han, Hiragana
 * and Katakana are also Japanese, Han and Hangul Korean, Han and Bopomofo Hanb, and Latin is
 * each of the three, as the highly restrictive level allows Latin beside them.
 */
function augmentedScripts(character: string): Set<string> {
  let scripts = scriptsSeen.get(character);
  if (scripts) return scripts;
  scripts = new Set(SCRIPT_PATTERNS.filter(([, pattern]) => pattern.test(character)).map(([name]) => name));
  const any = (...names: string[]) => names.some((name) => scripts!.has(name));
  if (any('Han', 'Hiragana', 'Katakana', 'Latin')) scripts.add('Jpan');
  if (any('Han', 'Hangul', 'Latin')) scripts.add('Kore');
  if (any('Han', 'Bopomofo', 'Latin')) scripts.add('Hanb');
  scriptsSeen.set(character, scripts);
  return scripts;
}

/** No script is shared by every character that has one: the resolved script set is empty. */
function mixesScripts(name: string): boolean {
  let shared: Set<string> | undefined;
  for (const character of name) {
    const scripts = augmentedScripts(character);
    if (scripts.size === 0) continue;
    shared = shared ? new Set([...shared].filter((script) => scripts.has(script))) : scripts;
    if (shared.size === 0) return true;
  }
  return false;
}

/** The allowed characters of the BMP whose Script_Extensions include one of `scripts`, composed already. */
function charactersOf(...scripts: string[]): string[] {
  const pattern = new RegExp(`[${scripts.map((script) => `\\p{Script_Extensions=${script}}`).join('')}]`, 'u');
  const found: string[] = [];
  for (let code = 0x20; code <= 0xffff; code++) {
    const character = String.fromCodePoint(code);
    if (ALLOWED_CHARACTER.test(character) && pattern.test(character) && character.normalize('NFC') === character) found.push(character);
  }
  return found;
}

/** Letters of exactly one script (none of them shared with another). */
function lettersOnlyOf(script: string): string[] {
  return charactersOf(script)
    .filter((character) => /\p{L}/u.test(character))
    .slice(0, 400)
    .filter((character) => [...augmentedScripts(character)].every((name) => name === script || ['Jpan', 'Kore', 'Hanb'].includes(name)));
}

/** Characters that go with any script: digits, space, - _ ., marks of Inherited, letters of Common. */
const ANY_SCRIPT = ['0', '7', ' ', '-', '_', '.', '\u0332', '\u20D2', '\u{1D49C}'];

/** The characters of one script, or of one allowed mix, with those of script Common and Inherited. */
const ONE_SCRIPT_POOLS = [['Latin'], ['Cyrillic'], ['Greek'], ['Arabic'], ['Hebrew'], ['Devanagari'], ['Thai'], ['Latin', 'Han', 'Hiragana', 'Katakana'], ['Latin', 'Han', 'Hangul'], ['Han', 'Bopomofo']].map(
  (scripts) => [...charactersOf(...scripts), ...ANY_SCRIPT],
);
const singleScriptName = (max: number) =>
  fc
    .constantFrom(...ONE_SCRIPT_POOLS)
    .chain((pool) => fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: max }))
    .map((characters) => characters.join(''));

/** Pairs of scripts no allowed mix joins. */
const CLASHING_SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Arabic', 'Hebrew', 'Armenian', 'Georgian', 'Thai', 'Hangul', 'Hiragana'];
const LETTERS_ONLY_OF = new Map(CLASHING_SCRIPTS.map((script) => [script, lettersOnlyOf(script)]));
const clashingPair = fc
  .tuple(fc.constantFrom(...CLASHING_SCRIPTS), fc.constantFrom(...CLASHING_SCRIPTS))
  .filter(([one, other]) => one !== other && !(one === 'Latin' && ['Hangul', 'Hiragana'].includes(other)) && !(other === 'Latin' && ['Hangul', 'Hiragana'].includes(one)));

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
        else if (mixesScripts(normalized)) expect(result).toEqual({ ok: false, problem: 'mixed-script' });
        else expect(result.ok).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('accepts any name of allowed characters of one script or allowed mix, whatever whitespace surrounds it', () => {
    fc.assert(
      fc.property(edgeSpace, singleScriptName(max), edgeSpace, (before, core, after) => {
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

  it('refuses as mixed-script a name with letters of two scripts that no allowed mix joins, wherever they stand', () => {
    fc.assert(
      fc.property(clashingPair, fc.array(fc.constantFrom(...ANY_SCRIPT), { maxLength: 8 }), fc.nat(), fc.nat(), (pair, neutral, one, other) => {
        const [first, second] = pair.map((script) => LETTERS_ONLY_OF.get(script)!);
        const letters = [first![one % first!.length]!, second![other % second!.length]!];
        const name = `${neutral.slice(0, 4).join('')}${letters[0]}${neutral.slice(4).join('')}${letters[1]}`;
        expect(check(name)).toEqual({ ok: false, problem: 'mixed-script' });
      }),
      { numRuns: 1_000 },
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
