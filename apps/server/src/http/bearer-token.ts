import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case, RFC 7235). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/**
 * Whether an `Authorization` header carries exactly `Bearer <expected>`. Compares SHA-256
 * digests in constant time, so neither the token's content nor its length leaks through timing.
 */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const given = bearerToken(authorization) ?? '';
  const equal = timingSafeEqual(digest(given), digest(expected));
  return equal && given.length > 0;
}
