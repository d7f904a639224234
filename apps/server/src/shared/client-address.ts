import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import proxyaddr from 'proxy-addr';

/** Whether the address at position `hop` (0: the socket's peer, 1: right-most X-Forwarded-For, ...) is a trusted proxy. */
export type TrustPolicy = (address: string, hop: number) => boolean;

const TRUST_NOTHING: TrustPolicy = () => false;

/**
 * Compiles TRUST_PROXY: `off`, `loopback` (or another proxy-addr keyword), a comma-separated
 * list of addresses and CIDRs, or a hop count. Throws on a value it cannot read.
 */
export function trustPolicy(spec: string): TrustPolicy {
  const value = spec.trim();
  if (value === '' || value === 'off' || value === 'false' || value === '0') return TRUST_NOTHING;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  const compiled = proxyaddr.compile(value.split(',').map((entry) => entry.trim()));
  return (address, hop) => compiled(address, hop);
}

/** `::ffff:203.0.113.7` is `203.0.113.7`. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * The client address of docs/protocol.md §4, for HTTP requests and Socket.IO handshakes alike:
 * the socket's peer, or where that peer is a trusted proxy, the right-most X-Forwarded-For
 * address that is not itself a trusted proxy.
 */
export function clientAddress(request: IncomingMessage, trust: TrustPolicy): string {
  if (!request.socket?.remoteAddress) return 'unknown';
  return normalizeAddress(proxyaddr(request as Parameters<typeof proxyaddr>[0], trust));
}

/** The first value of a header that may be a comma-separated list (X-Forwarded-Proto, -Host). */
export function firstHeaderValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** The host a request names: from a trusted proxy its first X-Forwarded-Host, otherwise Host. */
export function requestedHost(request: IncomingMessage, trust: TrustPolicy): string | undefined {
  const forwarded = fromTrustedProxy(request, trust) ? firstHeaderValue(request.headers['x-forwarded-host']) : undefined;
  return forwarded ?? request.headers.host;
}

/** Whether the request's direct peer is a trusted proxy (so its forwarded headers count). */
export function fromTrustedProxy(request: IncomingMessage, trust: TrustPolicy): boolean {
  const peer = request.socket?.remoteAddress;
  return peer !== undefined && trust(normalizeAddress(peer), 0);
}

/** The 8 groups of an IPv6 address as numbers, or undefined if it is not one (a zone id is ignored). */
function ipv6Groups(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The key that per-address limits count under: an IPv4 address itself; an IPv6 address's
 * network of `prefixLength` bits (`2001:db8:1:2::/64`), since one IPv6 client usually owns a
 * whole /64 and could otherwise use a fresh address for every request. IPv4-mapped addresses
 * count as IPv4 (normalizeAddress).
 */
export function addressKey(address: string, prefixLength: number): string {
  const groups = ipv6Groups(address);
  if (groups === undefined) return address;
  const masked = groups.map((group, index) => {
    const bits = Math.min(16, Math.max(0, prefixLength - index * 16));
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff;
  });
  const hex = masked.map((group) => group.toString(16)).join(':');
  // The canonical short form (RFC 5952), as Node's URL parser writes it.
  return `${new URL(`http://[${hex}]`).hostname.slice(1, -1)}/${prefixLength}`;
}
