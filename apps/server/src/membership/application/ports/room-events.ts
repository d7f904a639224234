import type { LeftReason, MemberEventType } from '@ciphernest/protocol';

export interface MembershipChange {
  roomKey: string;
  /** The session the change is about; it is not told of its own change. */
  sessionId: string;
  type: MemberEventType;
  name: string;
  reason?: LeftReason;
  at: number;
}

export interface EndedSession {
  roomKey: string;
  room: string;
  sessionId: string;
  name: string;
  reason: LeftReason;
}

/**
 * What the room's members (and the log) learn when membership changes, also with no request
 * in flight (a grace period running out). Implemented by the real-time adapter.
 */
export abstract class RoomEvents {
  /** Tells the room's other members. */
  abstract memberChanged(change: MembershipChange): void;

  /** The session is over: a socket it still has gets `session:end` and is closed. */
  abstract sessionEnded(ended: EndedSession): void;

  /** The last session ended; the room and everything held for it are gone. */
  abstract roomDeleted(roomKey: string, room: string): void;
}
