import type { Session } from '../../domain/session';

export type SessionInsertion = 'inserted' | 'taken' | 'full';

/**
 * Live sessions. A session's username is unique in its room by its key (PROTOCOL.md §1).
 * Callers that change a session must `save` it (a shared store keeps copies).
 */
export abstract class SessionRepository {
  /** Adds the session unless its username key is taken in the room or the room has `maxMembers` sessions, atomically. */
  abstract insert(session: Session, maxMembers: number): Promise<SessionInsertion>;

  abstract get(id: string): Promise<Session | undefined>;

  abstract inRoom(roomKey: string): Promise<Session[]>;

  abstract save(session: Session): Promise<void>;

  /** Removes the session; resolves to the number of sessions left in its room, or undefined when it was not there. */
  abstract remove(id: string): Promise<number | undefined>;

  /** Sessions that have been away for at least `graceMs` at `now`. */
  abstract outstayed(now: number, graceMs: number): Promise<Session[]>;

  abstract count(): Promise<number>;
}
