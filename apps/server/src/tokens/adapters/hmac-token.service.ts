import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isObject } from '@ciphernest/protocol';
import type { SessionClaims } from '../domain/session-claims';
import { TokenService } from '../application/ports/token-service';

const VERSION = 'v1';
const MAX_TOKEN_LENGTH = 1024;

/**
 * `v1.<b64url(JSON claims)>.<b64url(HMAC-SHA256(secret, "v1." + claims))>`.
 * The secret is random per process start unless one is given (scale-out shares it).
 */
export class HmacTokenService extends TokenService {
  private readonly secret: Buffer;

  constructor(secret?: Buffer) {
    super();
    this.secret = secret ?? randomBytes(32);
  }

  newSessionId(): string {
    return randomBytes(16).toString('base64url');
  }

  newVault(): string {
    return randomBytes(32).toString('base64url');
  }

  issue(claims: SessionClaims): string {
    const body = Buffer.from(
      JSON.stringify({ s: claims.sessionId, r: claims.roomKey, u: claims.userKey, a: claims.address }),
    ).toString('base64url');
    return `${VERSION}.${body}.${this.sign(body).toString('base64url')}`;
  }

  verify(token: string): SessionClaims | undefined {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
    const [version, body, signature, ...rest] = token.split('.');
    if (version !== VERSION || !body || !signature || rest.length > 0) return undefined;
    // Compared as canonical text: Buffer's base64url decoder would skip stray characters.
    const given = Buffer.from(signature);
    const expected = Buffer.from(this.sign(body).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return parseClaims(body);
  }

  private sign(body: string): Buffer {
    return createHmac('sha256', this.secret).update(`${VERSION}.${body}`).digest();
  }
}

function parseClaims(body: string): SessionClaims | undefined {
  try {
    const raw: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (!isObject(raw)) return undefined;
    const { s, r, u, a } = raw;
    if (typeof s !== 'string' || typeof r !== 'string' || typeof u !== 'string' || typeof a !== 'string') {
      return undefined;
    }
    return { sessionId: s, roomKey: r, userKey: u, address: a };
  } catch {
    return undefined;
  }
}
