import { vaultSealKey } from '../vault-seal';
import { MessageRejectedError } from '../message-rejected-error';
import { HeldMessages } from './held-messages';
import { createIdentity } from './identity';
import { identityWrapKey } from './identity-wrap-key';
import { receiveRelayed, type E2eEvent, type Relayed } from './incoming';
import { flushDue, sendContent, type Outgoing, type OutgoingContent } from './outgoing';
import type { Verification } from './peer';
import { RoomRoster, userKey } from './room-roster';
import type { RoomState } from './room-state';
import { openRoomState, sealRoomState } from './room-state-snapshot';
import { safetyNumber, type SafetyNumber } from './safety-number';

/** A member as the members list shows it. */
export interface E2eMember {
  name: string;
  /** False while its "keys" have not arrived: nothing it sends can be read yet. */
  keysKnown: boolean;
  verification: Verification;
}

/**
 * One tab's end-to-end layer v2 for one room (docs/protocol.md §3.1). It turns membership
 * events and relayed boxes into what to show and what to send, and keeps the keys:
 *
 * - `syncMembers` on every `presence`, before any `receive` (bodies from non-members are
 *   refused); `memberJoined` and `memberLeft` on `member` events.
 * - `flush` after each of those (and after `receive`), and send what it returns, in order.
 * - `send` for a text, an image, a file or a message action: it returns what is due first, then the message.
 * - `receive` for every relayed `message`, `expire` on a timer.
 * - `save` after each change, to keep the state sealed under the vault across a reload.
 *
 * Operations run one at a time, in the order called, whatever their awaits.
 */
export class E2eRoom {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly state: RoomState) {}

  /**
   * A new identity and empty state for a tab that has just joined (or lost its state): its
   * first flush announces its keys and asks for everyone's.
   *
   * @param options.username this tab's username exactly as the server reports it.
   * @param options.vault the session's vault (docs/protocol.md §4): wraps the private keys.
   * @param options.encKey the room's v1 key: the outer box.
   */
  static async create(options: { roomKey: string; username: string; vault: string; encKey: CryptoKey }): Promise<E2eRoom> {
    return new E2eRoom({
      roomKey: options.roomKey,
      username: options.username,
      encKey: options.encKey,
      sealKey: await vaultSealKey(options.vault),
      identity: await createIdentity(await identityWrapKey(options.vault)),
      roster: new RoomRoster(),
      held: new HeldMessages(),
      own: undefined,
      keysDue: 'request',
      rotationDue: true,
    });
  }

  /**
   * The state {@link save} sealed, after a reload; the same identity, chains and peers.
   *
   * @throws VaultSealError when it does not open under `vault`.
   */
  static async restore(options: { sealed: Uint8Array; vault: string; encKey: CryptoKey }): Promise<E2eRoom> {
    return new E2eRoom(await openRoomState(options.sealed, options.vault, options.encKey));
  }

  get username(): string {
    return this.state.username;
  }

  /**
   * The members a `presence` lists (this tab's own name among them or not). Those not known
   * yet count as joined, those no longer listed as left (while this tab was away).
   */
  syncMembers(names: readonly string[]): Promise<void> {
    return this.serial(async () => {
      const listed = new Set(names.map(userKey));
      for (const name of this.state.roster.names) if (!listed.has(userKey(name))) this.applyLeave(name);
      for (const name of names) if (userKey(name) !== userKey(this.state.username)) this.applyJoin(name);
    });
  }

  /** `member { type: "joined" }`: a new chain is due, the joiner pending until its keys arrive. */
  memberJoined(name: string): Promise<void> {
    return this.serial(async () => this.applyJoin(name));
  }

  /** `member { type: "left" }` (left or timed out): its keys are deleted and a new chain is due. */
  memberLeft(name: string): Promise<void> {
    return this.serial(async () => this.applyLeave(name));
  }

  /** What is due now ("keys", "chain"): send each as a `message`, in order. */
  flush(now: number): Promise<Outgoing[]> {
    return this.serial(() => flushDue(this.state, now));
  }

  /** What is due, then the message sealed under `id` (the app's choice, as in §3). */
  send(id: string, content: OutgoingContent, now: number): Promise<Outgoing[]> {
    return this.serial(() => sendContent(this.state, id, content, now));
  }

  /** A relayed `message` through both layers, with the events of anything it released. Never throws for what a peer sent. */
  receive(relayed: Relayed, now: number): Promise<E2eEvent[]> {
    return this.serial(async () => [...this.expireNow(now), ...(await receiveRelayed(this.state, relayed, now))]);
  }

  /** Deletes what is kept past its bound; the held bodies that expire come back as `rejected`. */
  expire(now: number): Promise<E2eEvent[]> {
    return this.serial(async () => this.expireNow(now));
  }

  /** The other members, with whether their keys are known and their verification. */
  get members(): E2eMember[] {
    return this.state.roster.names.map((name) => {
      const peer = this.state.roster.peer(name);
      return { name, keysKnown: peer !== undefined, verification: peer?.verification ?? 'unverified' };
    });
  }

  /** The safety number of this tab and `name`, or undefined while its keys are unknown. */
  async safetyNumber(name: string, wordlist: readonly string[]): Promise<SafetyNumber | undefined> {
    const peer = this.state.roster.peer(name);
    if (peer === undefined) return undefined;
    return safetyNumber({ name: this.state.username, signPublic: this.state.identity.signPublic }, { name: peer.name, signPublic: peer.signPublic }, wordlist);
  }

  /** The user found `name`'s safety number equal: "verified" until its key changes. */
  markVerified(name: string): Promise<void> {
    return this.serial(async () => this.state.roster.peer(name)?.markVerified());
  }

  /** The state sealed under the vault, for IndexedDB. Chain keys change with every message: save after each. */
  save(): Promise<Uint8Array<ArrayBuffer>> {
    return this.serial(() => sealRoomState(this.state));
  }

  /** Zeroes every key byte held (on leave); the CryptoKeys go with the object. */
  wipe(): Promise<void> {
    return this.serial(async () => {
      this.state.own?.wipe();
      this.state.roster.wipe();
    });
  }

  private applyJoin(name: string): void {
    if (this.state.roster.add(name)) this.state.rotationDue = true;
  }

  private applyLeave(name: string): void {
    if (this.state.roster.remove(name)) this.state.rotationDue = true;
  }

  private expireNow(now: number): E2eEvent[] {
    this.state.own?.expire(now);
    for (const peer of this.state.roster.allPeers) peer.expire(now);
    return this.state.held
      .expire(now)
      .map((item) => ({ type: 'rejected', id: item.id, from: item.from, error: new MessageRejectedError('held too long: its keys never came') }));
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
