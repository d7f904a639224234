import type { HeldMessages } from './held-messages';
import type { Identity } from './identity';
import type { RoomRoster } from './room-roster';
import type { SendingChain } from './sending-chain';

/** What a room's v2 layer must send at the next flush: nothing, its "keys", or its "keys" asking for everyone's. */
export type KeysDue = 'none' | 'announce' | 'request';

/**
 * One tab's v2 state for one room (docs/protocol.md §3.1): what {@link E2eRoom} holds, and what
 * its incoming and outgoing steps read and change, one operation at a time.
 */
export interface RoomState {
  readonly roomKey: string;
  /** This tab's username, exactly as the server reports it. */
  readonly username: string;
  /** The room's v1 key (docs/protocol.md §2): the outer box of every v2 body. */
  readonly encKey: CryptoKey;
  /** The session vault's seal key (vault-seal.ts): what the state is saved under. */
  readonly sealKey: CryptoKey;
  readonly identity: Identity;
  readonly roster: RoomRoster;
  readonly held: HeldMessages;
  /** The tab's current sender chain; undefined until the first flush after the first presence. */
  own: SendingChain | undefined;
  keysDue: KeysDue;
  /** A new own chain is due before anything else is sent: a member joined, left, or changed keys. */
  rotationDue: boolean;
}
