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

  /**
   * A fresh session vault (docs/protocol.md §4, 1.1): 32 bytes from a CSPRNG, b64url (43 characters).
   * Security: a secret handed only to its session; never log it.
   */
  abstract newVault(): string;

  abstract issue(claims: SessionClaims): string;

  abstract verify(token: string): SessionClaims | undefined;
}
