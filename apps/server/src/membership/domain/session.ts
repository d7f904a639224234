import type { Member, MemberStatus } from '@ciphernest/protocol';

export interface NewSession {
  id: string;
  roomKey: string;
  name: string;
  userKey: string;
  address: string;
  creator: boolean;
  createdAt: number;
  /**
   * docs/protocol.md §4 (1.1): 32 random bytes (b64url) made for this session alone. Held in memory
   * only, handed only to the session, gone with it. A secret: never log it.
   */
  vault: string;
}

/** Everything a shared store keeps of a session. */
export interface SessionSnapshot extends NewSession {
  /** The room's latest seq when the session was stored (Session.sinceSeq). */
  sinceSeq: number;
  /** The highest receipt relayed for the session (Session.advanceReceipt). */
  lastReceipt: number;
  socketId: string | undefined;
  connectedOnce: boolean;
  /** Since when it has been away; meaningful only while `socketId` is undefined. */
  awayFrom: number;
}

/** What connecting a socket meant for the session's membership. */
export type Arrival =
  | { kind: 'joined' }
  | { kind: 'back' }
  | { kind: 'replaced'; previousSocketId: string };

/**
 * One member's stay in a room. Online while a socket is attached, away otherwise (also before
 * the first connection); an away session ends once it has been away for the grace period.
 */
export class Session {
  private socket: string | undefined;
  private connectedOnce = false;
  private awayFrom: number;
  private firstSeq = 0;
  private receipt = 0;

  private constructor(
    readonly id: string,
    readonly roomKey: string,
    readonly name: string,
    readonly userKey: string,
    readonly address: string,
    readonly creator: boolean,
    readonly createdAt: number,
    readonly vault: string,
  ) {
    this.awayFrom = createdAt;
  }

  static start(props: NewSession): Session {
    const { id, roomKey, name, userKey, address, creator, createdAt, vault } = props;
    return new Session(id, roomKey, name, userKey, address, creator, createdAt, vault);
  }

  static restore(snapshot: SessionSnapshot): Session {
    const session = Session.start(snapshot);
    session.socket = snapshot.socketId;
    session.connectedOnce = snapshot.connectedOnce;
    session.awayFrom = snapshot.awayFrom;
    session.firstSeq = snapshot.sinceSeq;
    session.receipt = snapshot.lastReceipt;
    return session;
  }

  snapshot(): SessionSnapshot {
    const { id, roomKey, name, userKey, address, creator, createdAt, vault } = this;
    return {
      id,
      roomKey,
      name,
      userKey,
      address,
      creator,
      createdAt,
      vault,
      sinceSeq: this.firstSeq,
      lastReceipt: this.receipt,
      socketId: this.socket,
      connectedOnce: this.connectedOnce,
      awayFrom: this.awayFrom,
    };
  }

  /**
   * The room's latest seq when the session was stored: messages up to it were relayed before
   * the session began and are never replayed to it (docs/protocol.md §5.1).
   */
  get sinceSeq(): number {
    return this.firstSeq;
  }

  /** Set by the SessionRepository, in the same atomic step as the insertion. */
  beginsAfter(seq: number): void {
    this.firstSeq = seq;
  }

  /**
   * docs/protocol.md §5.2: a receipt counts only when it grows the session's last one (0 at
   * first), across all its connections. True when `seq` did, and it is now the last one.
   */
  advanceReceipt(seq: number): boolean {
    if (seq <= this.receipt) return false;
    this.receipt = seq;
    return true;
  }

  get status(): MemberStatus {
    return this.socket === undefined ? 'away' : 'online';
  }

  get socketId(): string | undefined {
    return this.socket;
  }

  /**
   * The speaker rule: whether a message or an event that came on `socketId`, for the room
   * `roomKey` its token names, speaks for this session. It must be in that room and hold that
   * socket now (a socket that was replaced, or that the session lost, speaks for nobody). Every
   * MessageDelivery adapter enforces it in the same step as the stamp (the Redis script restates
   * it in Lua); ResolveSpeaker applies it to everything else a client sends.
   */
  speaksIn(roomKey: string, socketId: string): boolean {
    return this.roomKey === roomKey && this.socket === socketId;
  }

  /** Attaches a socket; one session has at most one, so a newer one replaces the older. */
  attach(socketId: string): Arrival {
    const previous = this.socket;
    const first = !this.connectedOnce;
    this.socket = socketId;
    this.connectedOnce = true;
    if (previous !== undefined && previous !== socketId) return { kind: 'replaced', previousSocketId: previous };
    return first ? { kind: 'joined' } : { kind: 'back' };
  }

  /** Detaches the socket if it is the current one; true when the session has just gone away. */
  detach(socketId: string, now: number): boolean {
    if (this.socket !== socketId) return false;
    this.socket = undefined;
    this.awayFrom = now;
    return true;
  }

  hasOutstayedGrace(now: number, graceMs: number): boolean {
    return this.socket === undefined && now - this.awayFrom >= graceMs;
  }

  toMember(): Member {
    return { name: this.name, status: this.status, creator: this.creator };
  }
}
