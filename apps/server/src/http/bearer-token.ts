import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Whether an `Authorization` header carries exactly `Bearer <expected>`. Compares SHA-256
 * digests in constant time, so neither the token's content nor its length leaks through timing.
 */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const given = BEARER.exec(authorization ?? '')?.[1] ?? '';
  const equal = timingSafeEqual(digest(given), digest(expected));
  return equal && given.length > 0;
}
