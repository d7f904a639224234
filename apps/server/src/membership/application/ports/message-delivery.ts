import type { Awaitable } from '../../../shared/awaitable';
import type { MessageStamp } from '../../domain/message-log';

/** A message on its way to its room, as the sender's socket brought it. */
export interface OutgoingMessage {
  /** The sender's session, and the room its token names. */
  sessionId: string;
  roomKey: string;
  /** The socket it came on: it must be the session's current one; it gets the ack, never the relay. */
  senderSocketId: string;
  id: string;
  /** Opaque ciphertext (docs/protocol.md §3). Security: never inspect or log it. */
  box: Buffer;
}

/**
 * Relays a message, in one atomic step per room: checks the speaker rule (Session.speaksIn: the
 * sender's session still exists, is in that room and holds that socket); stamps the message with
 * the room's next seq (or returns the first stamp of an id the room still remembers, docs/protocol.md
 * §5); and hands a fresh one to the room's other members (RoomSockets, in every process that
 * holds some). Nothing can come between the check, the stamp and the hand-over, so every member
 * sees a room's messages in seq order whichever server process accepted them, and no socket that
 * lost its session can still be stamped. Undefined when the check fails or the room is gone
 * (nothing is stamped or relayed). Runs on every message: a delivery within this process answers
 * synchronously. Contract: testing/message-delivery-contract.ts.
 */
export abstract class MessageDelivery {
  abstract deliver(message: OutgoingMessage, now: number): Awaitable<MessageStamp | undefined>;
}
