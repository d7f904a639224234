import type { IncomingMessage } from 'node:http';
import { firstHeaderValue, fromTrustedProxy, requestedHost, type TrustPolicy } from './client-address';

function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    return ['http:', 'https:'].includes(url.protocol) ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sec-Fetch-Site values of requests a foreign page did not cause: from this origin itself, or
 * made by the user directly (a typed or bookmarked address). `same-site` is refused: a sibling
 * subdomain is another site's code.
 */
const OWN_FETCH_SITES: ReadonlySet<string> = new Set(['same-origin', 'none']);

/**
 * The Origin rule of docs/protocol.md §4: a request without `Origin` is allowed; one with an Origin
 * must match ALLOWED_ORIGINS, or by default the server's own origin (scheme and Host, or
 * behind a trusted proxy its X-Forwarded-Proto and X-Forwarded-Host).
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | undefined;

  constructor(
    allowedOrigins: readonly string[] | undefined,
    private readonly trust: TrustPolicy,
  ) {
    this.allowed = allowedOrigins && new Set(allowedOrigins);
  }

  allows(request: IncomingMessage): boolean {
    const header = request.headers.origin;
    if (header === undefined) return true;
    const origin = originOf(header);
    if (origin === undefined) return false;
    if (this.allowed) return this.allowed.has(origin);
    return origin === this.ownOrigin(request);
  }

  /**
   * The rule for every /api request, whatever its method (issue 11): a request that carries an
   * Origin must pass `allows`; one without must not come from another site by the browser's
   * own account (Sec-Fetch-Site), as a foreign page's `<img>` or no-cors fetch does. Requests
   * with neither header (clients that are not browsers) are allowed.
   */
  allowsApiRequest(request: IncomingMessage): boolean {
    if (request.headers.origin !== undefined) return this.allows(request);
    const site = request.headers['sec-fetch-site'];
    if (site === undefined) return true;
    return typeof site === 'string' && OWN_FETCH_SITES.has(site.trim().toLowerCase());
  }

  private ownOrigin(request: IncomingMessage): string | undefined {
    const proxied = fromTrustedProxy(request, this.trust);
    const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
    const scheme = (proxied && firstHeaderValue(request.headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
    const host = requestedHost(request, this.trust);
    return host ? originOf(`${scheme}://${host}`) : undefined;
  }
}
