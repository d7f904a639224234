import type { SessionClaims } from '../../domain/session-claims';

/**
 * Issues and verifies session tokens.
 *
 * Contract: `verify(issue(c))` returns `c`; any other string (malformed, forged, or issued
 * under another secret, such as before a restart) returns `undefined`. Verification is
 * constant-time in the signature. Security: tokens are bearer secrets; never log them.
 */
export abstract class TokenService {
  /** A fresh, unguessable session id. */
  abstract newSessionId(): string;

  abstract issue(claims: SessionClaims): string;

  abstract verify(token: string): SessionClaims | undefined;
}
