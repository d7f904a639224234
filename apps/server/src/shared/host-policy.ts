import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { requestedHost, type TrustPolicy } from './client-address';

/** What a refused request is told (403 ORIGIN_REFUSED, docs/protocol.md §4's error body). */
export const FOREIGN_HOST_MESSAGE = 'This server does not answer to the host name this request was sent to (Host header).';

/** A Host value: a name or an IPv4 address, or an IPv6 address in brackets, and an optional port. Nothing else (no userinfo, path or spaces). */
const HOST_VALUE = /^(\[[0-9a-f:.]+\]|[^\s[\]/\\?#@:%]+)(?::\d{1,5})?$/i;

/** The host name of a Host value as a browser would write it (lower case, punycode, no trailing dot), or undefined when it is not one. */
export function hostNameOf(host: string): string | undefined {
  const match = HOST_VALUE.exec(host.trim());
  if (!match) return undefined;
  try {
    return new URL(`http://${match[1]}`).hostname.replace(/\.$/, '') || undefined;
  } catch {
    return undefined;
  }
}

/** localhost and its subdomains (browsers resolve them to loopback themselves), and literal IPv4 and IPv6 addresses. */
function isLocalNameOrAddress(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(bare) !== 0;
}

/**
 * Which host names this server answers to: a defence against DNS rebinding, where a foreign
 * page's own name is pointed at this server so that the browser treats the server as that
 * page's origin. Such requests name the foreign host in `Host` (behind a trusted proxy, in
 * `X-Forwarded-Host`). With PUBLIC_ORIGIN set, only its host is served; otherwise, with
 * ALLOWED_ORIGINS set, only theirs; with neither, localhost names and literal IP addresses,
 * which no DNS answer can stand for. Ports are not compared: rebinding changes the name only.
 * A request without any Host (not a browser) is allowed.
 */
export class HostPolicy {
  private readonly names: ReadonlySet<string> | undefined;

  constructor(
    publicOrigin: string | undefined,
    allowedOrigins: readonly string[] | undefined,
    private readonly trust: TrustPolicy,
  ) {
    const origins = publicOrigin !== undefined ? [publicOrigin] : allowedOrigins;
    this.names = origins && new Set(origins.map((origin) => new URL(origin).hostname.replace(/\.$/, '')));
  }

  allows(request: IncomingMessage): boolean {
    const host = this.hostOf(request);
    if (host === undefined) return true;
    const name = hostNameOf(host);
    if (name === undefined) return false;
    return this.names ? this.names.has(name) : isLocalNameOrAddress(name);
  }

  /** The host the request names: X-Forwarded-Host from a trusted proxy (its first value), or Host. */
  hostOf(request: IncomingMessage): string | undefined {
    return requestedHost(request, this.trust);
  }
}
