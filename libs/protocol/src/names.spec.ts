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
