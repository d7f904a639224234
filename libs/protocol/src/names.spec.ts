import { SCRIPT_NAMES } from './is-single-script';
import { checkPassword, checkRoomName, checkUsername, nameKey, normalizeName, roomKeyOf } from './names';

describe('checkRoomName', () => {
  it('accepts letters, marks, digits, spaces, "-", "_" and "." and keys them in lower case', () => {
    expect(checkRoomName('  Café Team-1_b.c ')).toEqual({ ok: true, name: 'Café Team-1_b.c', key: 'café team-1_b.c' });
  });

  it('normalises to NFC, so composed and decomposed spellings are one room', () => {
    expect(roomKeyOf('Cafe\u0301')).toBe(roomKeyOf('Caf\u00e9'));
  });

  it('counts code points: 64 astral letters pass, 65 do not', () => {
    expect(checkRoomName('𝒜'.repeat(64)).ok).toBe(true);
    expect(checkRoomName('𝒜'.repeat(65))).toEqual({ ok: false, problem: 'too-long' });
  });

  it('refuses an empty or blank name', () => {
    expect(checkRoomName('   ')).toEqual({ ok: false, problem: 'empty' });
    expect(checkRoomName(undefined)).toEqual({ ok: false, problem: 'empty' });
  });

  it.each([
    ['a control character', 'a\u0007b'],
    ['a zero-width space', 'a\u200Bb'],
    ['a bidi override', 'a\u202Eb'],
    ['an emoji', 'a😀'],
    ['a keycap emoji built from marks', '1\uFE0F\u20E3'],
    ['a variation selector', 'alice\uFE0F'],
    ['the combining grapheme joiner', 'alice\u034F'],
    ['a Hangul filler that renders as nothing', '\u3164'],
    ['a slash', 'a/b'],
    ['a percent sign', 'a%b'],
    ['a question mark', 'a?b'],
    ['a hash', 'a#b'],
  ])('refuses %s', (_label, name) => {
    expect(checkRoomName(name)).toEqual({ ok: false, problem: 'bad-character' });
  });
});

describe('mixed scripts (UTS #39 highly restrictive)', () => {
  it.each([
    ['Latin with a Cyrillic а', 'p\u0430ypal'],
    ['Latin with a Cyrillic о', 'b\u043Eb'],
    ['Latin with a Greek ο', 'b\u03BFb'],
    ['Cyrillic with a Latin o', '\u0441o\u0441\u043E'],
    ['Greek with Cyrillic', '\u03A9\u0436'],
    ['Latin with Arabic-Indic digits (their script is Arabic)', 'Team \u0663'],
    ['Hangul with Hiragana', '\uD55C\u3072'],
    ['Cyrillic with Han', '\u0436\u4E2D'],
    ['Latin with Cyrillic across a space', 'Team \u041A\u043E\u043C\u0430\u043D\u0434\u0430'],
  ])('refuses %s', (_label, name) => {
    expect(checkRoomName(name)).toEqual({ ok: false, problem: 'mixed-script' });
    expect(checkUsername(name)).toEqual({ ok: false, problem: 'mixed-script' });
  });

  it.each([
    ['Latin with digits, accents and - _ .', 'Café Team-1_b.c'],
    ['all Cyrillic', '\u041A\u043E\u043C\u0430\u043D\u0434\u0430 2'],
    ['all Cyrillic that looks Latin (the skeleton, not this rule, keeps it apart)', '\u0441\u043E\u0441\u043E'],
    ['all Greek', '\u039F\u03BC\u03AC\u03B4\u03B1'],
    ['Cyrillic with a combining acute', '\u041D\u0438\u043A\u043E\u0301\u043B\u0430'],
    ['Arabic with Arabic-Indic digits', '\u0641\u0631\u064A\u0642 \u0663'],
    ['Japanese: Han, Hiragana and Katakana with the long vowel mark', '\u6771\u4EAC\u306E\u30C1\u30FC\u30E0'],
    ['Japanese with Latin', 'T\u30B7\u30E3\u30C4'],
    ['Korean: Hangul with Han', '\uD55C\uAD6D \u6F22\u5B57'],
    ['Chinese with Bopomofo', '\u4E2D\u6587\u3105\u3106'],
    ['mathematical letters (script Common) with Latin', '\u{1D49C}lice'],
  ])('accepts %s', (_label, name) => {
    expect(checkRoomName(name).ok).toBe(true);
    expect(checkUsername(name).ok).toBe(true);
  });

  it('knows the script of every letter, mark and digit of this runtime', () => {
    const anyScript = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;
    const known = SCRIPT_NAMES.map((name) => new RegExp(`\\p{Script_Extensions=${name}}`, 'u'));
    const unknown: string[] = [];
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCodePoint(code);
      if (!/[\p{L}\p{M}\p{N}]/u.test(character) || anyScript.test(character)) continue;
      if (!known.some((script) => script.test(character))) unknown.push(code.toString(16));
    }
    expect(unknown).toEqual([]);
  });

  it('names only scripts this runtime knows', () => {
    for (const name of SCRIPT_NAMES) expect(() => new RegExp(`\\p{Script_Extensions=${name}}`, 'u')).not.toThrow();
  });
});

describe('checkUsername', () => {
  it('allows 32 characters and refuses 33', () => {
    expect(checkUsername('a'.repeat(32)).ok).toBe(true);
    expect(checkUsername('a'.repeat(33))).toEqual({ ok: false, problem: 'too-long' });
  });
});

describe('normalizeName and nameKey', () => {
  it('trims, composes and lower-cases', () => {
    expect(nameKey(normalizeName(' ZOE\u0308 '))).toBe('zoë');
  });
});

describe('checkPassword', () => {
  it('keeps surrounding spaces and counts 8 to 1024 code points after NFC', () => {
    expect(checkPassword(' 1234567')).toEqual({ ok: true, password: ' 1234567' });
    expect(checkPassword('1234567')).toEqual({ ok: false, problem: 'too-short' });
    expect(checkPassword('x'.repeat(1025))).toEqual({ ok: false, problem: 'too-long' });
  });
});
