/**
 * How many rooms, or sessions, one client may hold at once: a repository checks it in the same
 * atomic step as the insert and counts the room or session toward `key` until it is removed,
 * however it ends. `key` is the client's `addressKey` (shared/client-address.ts): an IPv4
 * address, or an IPv6 address's network, since an IPv6 client usually owns a whole /64.
 */
export interface AddressQuota {
  key: string;
  /** The most the key may hold at once, the new one included. */
  max: number;
}

/** Which per-address cap refused: answered 429 RATE_LIMITED (docs/protocol.md §4), each with its own message. */
export type AddressLimit = 'ROOMS_PER_ADDRESS' | 'SESSIONS_PER_ADDRESS';
