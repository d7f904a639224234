import { fail, ok, type Result } from '../../shared/result';
import type { TokenService } from '../../tokens/application/ports/token-service';
import type { Session } from '../domain/session';
import type { AuthenticationError } from '../domain/session.errors';
import type { SessionRepository } from './ports/session.repository';

/**
 * The session a bearer token stands for, from the address it is presented from.
 * Errors, in this order: TOKEN_INVALID (malformed, forged, or from before a restart),
 * IP_MISMATCH (another address than the one it was issued to), SESSION_NOT_FOUND (ended).
 * Security: the token is a secret; never log it.
 */
export class AuthenticateSession {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRepository,
  ) {}

  async execute(token: unknown, address: string): Promise<Result<Session, AuthenticationError>> {
    const claims = typeof token === 'string' ? this.tokens.verify(token) : undefined;
    if (!claims) return fail('TOKEN_INVALID');
    if (claims.address !== address) return fail('IP_MISMATCH');
    const session = await this.sessions.get(claims.sessionId);
    if (!session || session.roomKey !== claims.roomKey || session.userKey !== claims.userKey) {
      return fail('SESSION_NOT_FOUND');
    }
    return ok(session);
  }
}
