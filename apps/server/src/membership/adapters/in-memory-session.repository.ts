import { AddressHoldings } from './address-holdings';
import type { AddressQuota } from '../domain/address-quota';
import type { Session } from '../domain/session';
import { SessionRepository, type OutstayedCondition, type SessionInsertion } from '../application/ports/session.repository';

/** Sessions in this process's memory, indexed by id, by room (and username skeleton) and by away status. */
export class InMemorySessionRepository extends SessionRepository {
  private readonly byId = new Map<string, Session>();
  private readonly byRoom = new Map<string, Map<string, Session>>();
  private readonly away = new Set<Session>();
  private readonly holdings = new AddressHoldings();
  private readonly skeletons = new Map<Session, string>();

  constructor(
    /** The room's latest seq, read in the same synchronous step as an insertion (Session.sinceSeq). */
    private readonly latestSeq: (roomKey: string) => number = () => 0,
  ) {
    super();
  }

  async insert(session: Session, maxMembers: number, skeleton: string, quota?: AddressQuota): Promise<SessionInsertion> {
    if (!this.holdings.allows(quota)) return 'address-full';
    const members = this.byRoom.get(session.roomKey) ?? new Map<string, Session>();
    if (members.has(skeleton)) return 'taken';
    if (members.size >= maxMembers) return 'full';
    session.beginsAfter(this.latestSeq(session.roomKey));
    members.set(skeleton, session);
    this.skeletons.set(session, skeleton);
    this.byRoom.set(session.roomKey, members);
    this.byId.set(session.id, session);
    this.holdings.add(session.id, quota);
    this.track(session);
    return 'inserted';
  }

  async advanceReceipt(sessionId: string, roomKey: string, socketId: string, seq: number): Promise<string | undefined> {
    const session = this.byId.get(sessionId);
    return session?.speaksIn(roomKey, socketId) && session.advanceReceipt(seq) ? session.name : undefined;
  }

  async get(id: string): Promise<Session | undefined> {
    return this.byId.get(id);
  }

  /**
   * The stored session itself, synchronously (every reader shares the one copy): for
   * LocalMessageDelivery, which checks the speaker on every message.
   */
  peek(id: string): Session | undefined {
    return this.byId.get(id);
  }

  async inRoom(roomKey: string): Promise<Session[]> {
    return [...(this.byRoom.get(roomKey)?.values() ?? [])];
  }

  /** Every reader shares the one copy, so a save conflicts only with the session's removal. */
  async save(session: Session): Promise<boolean> {
    if (this.byId.get(session.id) !== session) return false;
    this.track(session);
    return true;
  }

  async remove(id: string, condition?: OutstayedCondition): Promise<number | undefined> {
    const session = this.byId.get(id);
    if (!session) return undefined;
    if (condition && !session.hasOutstayedGrace(condition.now, condition.graceMs)) return undefined;
    this.byId.delete(id);
    this.holdings.remove(id);
    this.away.delete(session);
    const members = this.byRoom.get(session.roomKey);
    members?.delete(this.skeletons.get(session)!);
    this.skeletons.delete(session);
    if (members?.size === 0) this.byRoom.delete(session.roomKey);
    return members?.size ?? 0;
  }

  async outstayed(now: number, graceMs: number): Promise<Session[]> {
    return [...this.away].filter((session) => session.hasOutstayedGrace(now, graceMs));
  }

  /** This process holds every socket of these sessions: none can outlive it. */
  async releaseOrphans(): Promise<Session[]> {
    return [];
  }

  private track(session: Session): void {
    if (session.status === 'away') this.away.add(session);
    else this.away.delete(session);
  }
}
