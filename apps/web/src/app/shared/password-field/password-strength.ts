export type StrengthLevel = 'weak' | 'fair' | 'strong';

export interface PasswordStrength {
  /** A rough guessing-entropy estimate in bits. */
  bits: number;
  level: StrengthLevel;
}

/** Each word of a generated passphrase carries 11 bits (2,048 words); typed words rarely more. */
const BITS_PER_WORD = 11;
const FAIR_BITS = 40;
const STRONG_BITS = 60;
/** Short passwords with many symbols score high on paper and are still guessed first. */
const STRONG_MIN_LENGTH = 12;

const CHARACTER_CLASSES: readonly [RegExp, number][] = [
  [/[a-z]/, 26],
  [/[A-Z]/, 26],
  [/[0-9]/, 10],
  [/[ -/:-@[-`{-~]/, 33],
  [/[^\x20-\x7e]/, 100],
];

function levelOf(bits: number, length = Infinity): StrengthLevel {
  if (bits >= STRONG_BITS && length >= STRONG_MIN_LENGTH) return 'strong';
  if (bits >= FAIR_BITS) return 'fair';
  return 'weak';
}

/** Words of letters separated by spaces or hyphens, e.g. "correct horse battery staple". */
function passphraseWords(password: string): number {
  const words = password.trim().split(/[\s-]+/u);
  return words.length >= 3 && words.every((word) => /^\p{L}{2,}$/u.test(word)) ? words.length : 0;
}

/**
 * A simple estimate: length times the bits of the character classes used, where repeated
 * characters count a quarter, and "strong" needs at least 12 characters; a passphrase of
 * words counts 11 bits a word instead. It cannot see dictionary words or personal data, so
 * it guides rather than judges.
 */
export function passwordStrength(password: string): PasswordStrength {
  const characters = Array.from(password.normalize('NFC'));
  if (characters.length === 0) return { bits: 0, level: 'weak' };
  const words = passphraseWords(password);
  if (words > 0) {
    const bits = words * BITS_PER_WORD;
    return { bits, level: levelOf(bits) };
  }
  const pool = CHARACTER_CLASSES.reduce((size, [pattern, classSize]) => (pattern.test(password) ? size + classSize : size), 0);
  const distinct = new Set(characters).size;
  const effectiveLength = distinct + (characters.length - distinct) / 4;
  const bits = Math.round(effectiveLength * Math.log2(pool));
  return { bits, level: levelOf(bits, characters.length) };
}
