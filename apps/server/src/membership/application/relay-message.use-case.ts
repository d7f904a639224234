import { andThen, type Awaitable } from '../../shared/awaitable';
import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import type { MessageStamp } from '../domain/message-log';
import type { MessageDelivery, OutgoingMessage } from './ports/message-delivery';

/**
 * Relays a message: the delivery checks the speaker (Session.speaksIn), stamps the message with
 * the room's next seq and hands it to the others, in one step; a repeated id gets its first
 * stamp back (then `fresh` is false and nothing is relayed). Errors: SESSION_NOT_FOUND.
 * Synchronous when the delivery is (in memory): it runs once per message, and a promise would
 * cost a microtask hop and an async-hook call (docs/benchmarks.md).
 * Security: the box is opaque ciphertext, relayed unchanged; never inspect or log it.
 */
export class RelayMessage {
  constructor(
    private readonly delivery: MessageDelivery,
    private readonly clock: Clock,
  ) {}

  execute(message: OutgoingMessage): Awaitable<Result<MessageStamp, 'SESSION_NOT_FOUND'>> {
    return andThen(this.delivery.deliver(message, this.clock.now()), (stamp) => (stamp ? ok(stamp) : fail('SESSION_NOT_FOUND')));
  }
}
