import { isSingleScript } from './is-single-script';

/**
 * Name rules of docs/protocol.md §1, shared by the server's validation and the web forms.
 * Lengths count code points, after trim() and NFC.
 */

import { codePointLength } from './code-point-length';

const NAME_CHARACTERS = /^[\p{L}\p{M}\p{N} ._-]+$/u;

/**
 * Letters and marks that render as nothing (variation selectors, fillers, the combining grapheme
 * joiner) or make emoji (the enclosing keycap): §1 refuses zero-width characters and emoji, so
 * these are refused too although their general category is L or M.
 */
const INVISIBLE_OR_EMOJI = /[\p{Default_Ignorable_Code_Point}\u20E3]/u;

export const ROOM_NAME_MAX = 64;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

/**
 * Why a name is refused. `mixed-script`: letters of scripts that do not go together (Latin with
 * Cyrillic or Greek, ...), the look-alike spellings of docs/protocol.md §1 ("Mixed scripts").
 */
export type NameProblem = 'empty' | 'too-long' | 'bad-character' | 'mixed-script';

export type NameCheck = { ok: true; name: string; key: string } | { ok: false; problem: NameProblem };

/** trim() then Unicode NFC: the form every name is shown and compared in. */
export function normalizeName(raw: string): string {
  return raw.trim().normalize('NFC');
}

/** The comparison key of a normalised name: two names with one key are the same. */
export function nameKey(normalized: string): string {
  return normalized.toLowerCase();
}

function checkName(raw: unknown, max: number): NameCheck {
  if (typeof raw !== 'string') return { ok: false, problem: 'empty' };
  const name = normalizeName(raw);
  const length = codePointLength(name);
  if (length === 0) return { ok: false, problem: 'empty' };
  if (length > max) return { ok: false, problem: 'too-long' };
  if (!NAME_CHARACTERS.test(name) || INVISIBLE_OR_EMOJI.test(name)) return { ok: false, problem: 'bad-character' };
  if (!isSingleScript(name)) return { ok: false, problem: 'mixed-script' };
  return { ok: true, name, key: nameKey(name) };
}

/** Room names: 1 to 64 letters, marks, digits, spaces, `-`, `_`, `.`, of one script (or one allowed mix). */
export function checkRoomName(raw: unknown): NameCheck {
  return checkName(raw, ROOM_NAME_MAX);
}

/** Usernames: the room-name rule with at most 32 characters. */
export function checkUsername(raw: unknown): NameCheck {
  return checkName(raw, USERNAME_MAX);
}

/** The room key of a raw room name, or undefined when the name breaks §1. */
export function roomKeyOf(raw: unknown): string | undefined {
  const check = checkRoomName(raw);
  return check.ok ? check.key : undefined;
}

export type PasswordProblem = 'too-short' | 'too-long';

/** Passwords: 8 to 1024 characters after NFC, never trimmed. */
export function checkPassword(raw: string): { ok: true; password: string } | { ok: false; problem: PasswordProblem } {
  const password = raw.normalize('NFC');
  const length = codePointLength(password);
  if (length < PASSWORD_MIN) return { ok: false, problem: 'too-short' };
  if (length > PASSWORD_MAX) return { ok: false, problem: 'too-long' };
  return { ok: true, password };
}
