import { codePointLength } from '@ciphernest/protocol';

/** The longest `mime` a file message may carry, in characters (docs/protocol.md §3). */
export const MAX_FILE_MIME_CHARS = 127;

/** The longest `name` a file message may carry, in characters (code points; docs/protocol.md §3). */
export const MAX_FILE_NAME_CHARS = 255;

/** RFC 6838 §4.2's `type-name "/" subtype-name`, lower-cased, without parameters. */
const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * What a file name may not hold: control characters, lone surrogates, the bidirectional
 * controls that make "invoice‮fdp.exe" read as "invoiceexe.pdf", and path separators.
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]/u;

/** True for a lower-cased RFC 6838 media type of at most {@link MAX_FILE_MIME_CHARS} characters. */
export function isFileMime(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_FILE_MIME_CHARS && MIME_PATTERN.test(value);
}

/**
 * True for a file name a message may carry: 1 to {@link MAX_FILE_NAME_CHARS} characters, not
 * blank, not `.` or `..`, with no control character, lone surrogate, bidirectional control, `/`
 * or `\`. Receivers still make their own download name of it.
 */
export function isFileName(value: unknown): value is string {
  if (typeof value !== 'string' || value.trim() === '' || value === '.' || value === '..') return false;
  return codePointLength(value, MAX_FILE_NAME_CHARS) <= MAX_FILE_NAME_CHARS && !FORBIDDEN_IN_NAME.test(value);
}

/** The first thing wrong with a file header's `mime` and `name`, or undefined. */
export function fileHeaderProblem(mime: unknown, name: unknown): string | undefined {
  if (!isFileMime(mime)) return 'header.mime is not a lower-case media type';
  if (!isFileName(name)) return 'header.name is not an acceptable file name';
  return undefined;
}
