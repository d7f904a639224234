import type { IncomingMessage } from 'node:http';
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
 * The client address of PROTOCOL.md §4, for HTTP requests and Socket.IO handshakes alike:
 * the socket's peer, or where that peer is a trusted proxy, the right-most X-Forwarded-For
 * address that is not itself a trusted proxy.
 */
export function clientAddress(request: IncomingMessage, trust: TrustPolicy): string {
  if (!request.socket?.remoteAddress) return 'unknown';
  return normalizeAddress(proxyaddr(request as Parameters<typeof proxyaddr>[0], trust));
}

/** Whether the request's direct peer is a trusted proxy (so its forwarded headers count). */
export function fromTrustedProxy(request: IncomingMessage, trust: TrustPolicy): boolean {
  const peer = request.socket?.remoteAddress;
  return peer !== undefined && trust(normalizeAddress(peer), 0);
}
