import type { IncomingMessage } from 'node:http';
import { fromTrustedProxy, type TrustPolicy } from './client-address';

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    return ['http:', 'https:'].includes(url.protocol) ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Origin rule of PROTOCOL.md §4: a request without `Origin` is allowed; one with an Origin
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

  private ownOrigin(request: IncomingMessage): string | undefined {
    const proxied = fromTrustedProxy(request, this.trust);
    const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
    const scheme = (proxied && firstValue(request.headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
    const host = (proxied && firstValue(request.headers['x-forwarded-host'])) || request.headers.host;
    return host ? originOf(`${scheme}://${host}`) : undefined;
  }
}
