import type { KeysAnnouncement } from './keys-announcement';
import { Peer, type PeerSnapshot } from './peer';

/** How a "keys" announcement changed what this tab knows of its sender. */
export type KeysChange = 'new' | 'same' | 'changed';

/** The roster as stored (sealed under the vault). */
export interface RosterSnapshot {
  members: string[];
  peers: PeerSnapshot[];
  recipients: { name: string; shared: boolean }[];
}

/** A username's key in its room: its lower-cased form (docs/protocol.md §1). */
export function userKey(name: string): string {
  return name.toLowerCase();
}

/**
 * Who is in the room as this tab knows it (docs/protocol.md §3.1): the other members (from
 * `presence` and `member` events), the keys each announced (a {@link Peer}), and for the tab's
 * own current chain, which members have it and which are pending (their keys not yet known
 * when it was shared).
 */
export class RoomRoster {
  private readonly members = new Map<string, string>();
  private readonly peers = new Map<string, Peer>();
  /** Members the own current chain was started for or shared with: true once shared. */
  private readonly recipients = new Map<string, boolean>();

  static restore(snapshot: RosterSnapshot): RoomRoster {
    const roster = new RoomRoster();
    for (const name of snapshot.members) roster.members.set(userKey(name), name);
    for (const peer of snapshot.peers) roster.peers.set(userKey(peer.name), Peer.restore(peer));
    for (const { name, shared } of snapshot.recipients) roster.recipients.set(userKey(name), shared);
    return roster;
  }

  /** The other members' names, as the server reports them. */
  get names(): string[] {
    return [...this.members.values()];
  }

  has(name: string): boolean {
    return this.members.has(userKey(name));
  }

  /** Adds a member; false when already there. */
  add(name: string): boolean {
    if (this.has(name)) return false;
    this.members.set(userKey(name), name);
    return true;
  }

  /** Removes a member and deletes every key held for it; false when it was not there. */
  remove(name: string): boolean {
    const key = userKey(name);
    this.peers.get(key)?.wipe();
    this.peers.delete(key);
    this.recipients.delete(key);
    return this.members.delete(key);
  }

  peer(name: string): Peer | undefined {
    return this.peers.get(userKey(name));
  }

  get allPeers(): Peer[] {
    return [...this.peers.values()];
  }

  /**
   * Records a verified announcement. Another key than the one known is a key change: the old
   * peer's keys are deleted, and the new one starts unverified and marked "key changed".
   */
  acceptKeys(name: string, announcement: KeysAnnouncement): KeysChange {
    const key = userKey(name);
    const known = this.peers.get(key);
    if (known?.holdsKeys(announcement.signPublic, announcement.agreePublic)) return 'same';
    known?.wipe();
    this.peers.set(key, new Peer(name, announcement.signPublic, announcement.agreePublic, known !== undefined));
    return known === undefined ? 'new' : 'changed';
  }

  /** A new own chain: every member is a recipient, pending until its chain key is sent. */
  startChain(): void {
    this.recipients.clear();
    for (const key of this.members.keys()) this.recipients.set(key, false);
  }

  /** Recipients of the own chain still pending whose keys are known: the next distribution's. */
  get dueRecipients(): Peer[] {
    return [...this.recipients]
      .filter(([, shared]) => !shared)
      .map(([key]) => this.peers.get(key))
      .filter((peer): peer is Peer => peer !== undefined);
  }

  /** True while a recipient of the own chain has not been sent it. */
  get hasPending(): boolean {
    return [...this.recipients.values()].some((shared) => !shared);
  }

  /** A recipient of the own chain asked for keys again: it gets the chain again at the next flush. */
  markPending(name: string): void {
    if (this.recipients.has(userKey(name))) this.recipients.set(userKey(name), false);
  }

  markShared(peers: readonly Peer[]): void {
    for (const peer of peers) this.recipients.set(userKey(peer.name), true);
  }

  /** Zeroes every key held for every peer. */
  wipe(): void {
    for (const peer of this.peers.values()) peer.wipe();
    this.peers.clear();
  }

  snapshot(): RosterSnapshot {
    return {
      members: this.names,
      peers: this.allPeers.map((peer) => peer.snapshot()),
      recipients: [...this.recipients].map(([key, shared]) => ({ name: this.members.get(key) ?? key, shared })),
    };
  }
}
