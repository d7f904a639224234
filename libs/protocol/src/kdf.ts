import { isObject } from './is-object';
import { KDF_LIMITS } from './limits';
import type { Kdf } from './wire';

/** b64url of exactly 16 bytes, canonical (the last character carries 2 bits and 4 zero bits). */
export const KDF_SALT_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** b64url of exactly 32 bytes, canonical: the verifier as sent by clients. */
export const VERIFIER_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

const KDF_FIELDS = ['alg', 'm', 't', 'p', 'salt'];

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Problems with key-derivation parameters (docs/protocol.md §2): an empty list means they are
 * acceptable. The server refuses others with VALIDATION_FAILED; clients refuse to derive.
 */
export function kdfProblems(value: unknown): string[] {
  if (!isObject(value)) return ['kdf must be an object'];
  const kdf = value;
  const problems = Object.keys(kdf)
    .filter((field) => !KDF_FIELDS.includes(field))
    .map((field) => `kdf.${field} is not allowed`);
  if (kdf['alg'] !== 'argon2id') problems.push('kdf.alg must be "argon2id"');
  const { memoryKiB, iterations } = KDF_LIMITS;
  if (!isIntegerIn(kdf['m'], memoryKiB.min, memoryKiB.max)) {
    problems.push(`kdf.m must be an integer from ${memoryKiB.min} to ${memoryKiB.max}`);
  }
  if (!isIntegerIn(kdf['t'], iterations.min, iterations.max)) {
    problems.push(`kdf.t must be an integer from ${iterations.min} to ${iterations.max}`);
  }
  if (kdf['p'] !== KDF_LIMITS.parallelism) problems.push(`kdf.p must be ${KDF_LIMITS.parallelism}`);
  if (typeof kdf['salt'] !== 'string' || !KDF_SALT_PATTERN.test(kdf['salt'])) {
    problems.push('kdf.salt must be base64url (no padding) of 16 bytes');
  }
  return problems;
}

export function isAcceptableKdf(value: unknown): value is Kdf {
  return kdfProblems(value).length === 0;
}
