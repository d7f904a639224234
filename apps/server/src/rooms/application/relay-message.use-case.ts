import { andThen, type Awaitable } from '../../shared/awaitable';
import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import type { Delivery, MessageDelivery } from './ports/message-delivery';

export interface RelayMessageInput {
  sessionId: string;
  /** The room the session's token names. */
  roomKey: string;
  socketId: string;
  id: string;
  /** Opaque ciphertext, relayed unchanged. Security: never inspect or log it. */
  box: Buffer;
}

export type RelayStamp = Delivery;

/**
 * Relays a message: the delivery checks the speaker (the session exists, is in that room and
 * this socket is its current one), stamps it with the room's next seq and hands it to the
 * others, in one step; a repeated id gets its first stamp back (then `fresh` is false and
 * nothing is delivered). Errors: SESSION_NOT_FOUND. Synchronous when the delivery is (in
 * memory): it runs once per message, and a promise would cost a microtask hop and an
 * async-hook call (docs/benchmarks.md).
 */
export class RelayMessage {
  constructor(
    private readonly delivery: MessageDelivery,
    private readonly clock: Clock,
  ) {}

  execute(input: RelayMessageInput): Awaitable<Result<RelayStamp, 'SESSION_NOT_FOUND'>> {
    const message = { sessionId: input.sessionId, roomKey: input.roomKey, senderSocketId: input.socketId, id: input.id, box: input.box };
    return andThen(this.delivery.deliver(message, this.clock.now()), (delivered) => (delivered ? ok(delivered) : fail('SESSION_NOT_FOUND')));
  }
}
