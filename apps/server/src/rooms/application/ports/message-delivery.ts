import type { Awaitable } from '../../../shared/awaitable';
import type { MessageAcceptance } from '../../domain/message-log';

export interface OutgoingMessage {
  roomKey: string;
  id: string;
  /** The sender's name as members see it (PROTOCOL.md §3: it is part of the AAD). */
  from: string;
  /** The sender's socket: it gets the ack, never the relay. */
  senderSocketId: string;
  /** Opaque ciphertext (PROTOCOL.md §3). Security: never inspect or log it. */
  box: Buffer;
}

/**
 * Stamps a message with its room's next seq (or the first stamp of an id the room still
 * remembers, PROTOCOL.md §5) and delivers a fresh one to the room's other members. Stamping
 * and handing over for delivery are one atomic step per room, so every member sees a room's
 * messages in seq order whichever server process accepted them. Undefined when the room is
 * gone (nothing is delivered). Runs on every message: a delivery within this process answers
 * synchronously.
 */
export abstract class MessageDelivery {
  abstract deliver(message: OutgoingMessage, now: number): Awaitable<MessageAcceptance | undefined>;
}
