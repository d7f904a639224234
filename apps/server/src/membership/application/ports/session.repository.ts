import type { AddressQuota } from '../../domain/address-quota';
import type { Session } from '../../domain/session';

export type SessionInsertion = 'inserted' | 'taken' | 'full' | 'address-full';

/** A condition on removal: only a session that is (still) away for at least `graceMs` at `now`. */
export interface OutstayedCondition {
  now: number;
  graceMs: number;
}

/**
 * Live sessions. A session's username is unique in its room by its key (docs/protocol.md §1), and
 * by its skeleton: no two members of a room have names that look the same.
 * A shared store keeps copies: callers that change a session must `save` it, and read it again
 * when the save says someone else changed it first.
 */
export abstract class SessionRepository {
  /**
   * Adds the session, atomically, unless the address key it is issued to already holds
   * `quota.max` sessions (`address-full`, checked first), its username's `skeleton` is taken in
   * the room (`taken`) or the room has `maxMembers` sessions (`full`). `skeleton` is the
   * look-alike form of the username (the caller's `nameSkeleton`): names of one key share it, so
   * a taken key is taken. An inserted session counts toward `quota.key` until it is removed.
   * In the same atomic step it records the room's latest seq (Session.beginsAfter): what was
   * relayed up to it is never replayed to the session.
   */
  abstract insert(session: Session, maxMembers: number, skeleton: string, quota?: AddressQuota): Promise<SessionInsertion>;

  abstract get(id: string): Promise<Session | undefined>;

  abstract inRoom(roomKey: string): Promise<Session[]>;

  /**
   * Stores the session's changes, atomically. False (nothing stored) when it ended, or when
   * another writer saved it since this copy was read or inserted: read it again and redo.
   */
  abstract save(session: Session): Promise<boolean>;

  /**
   * Removes the session (with `condition`, only if it has outstayed its grace: a session
   * that came back meanwhile stays), and its count toward its address key. Resolves to the number of sessions left in its room, or
   * undefined when nothing was removed.
   */
  abstract remove(id: string, condition?: OutstayedCondition): Promise<number | undefined>;

  /**
   * A delivery receipt (docs/protocol.md §5.2), atomically: when the session exists, speaks in
   * `roomKey` through `socketId` (Session.speaksIn) and `seq` grows its last receipt
   * (Session.advanceReceipt), records `seq` and resolves to the session's name; otherwise
   * resolves to undefined and changes nothing.
   */
  abstract advanceReceipt(sessionId: string, roomKey: string, socketId: string, seq: number): Promise<string | undefined>;

  /** Sessions that have been away for at least `graceMs` at `now`. */
  abstract outstayed(now: number, graceMs: number): Promise<Session[]>;

  /**
   * Sessions whose socket was held by a server process that has stopped (it died without
   * detaching them): each is detached as of `now`, so it turns away and its grace starts, and
   * returned once, to one caller. Always empty for a store that lives and dies with its process.
   */
  abstract releaseOrphans(now: number): Promise<Session[]>;
}
