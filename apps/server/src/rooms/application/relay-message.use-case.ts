import { andThen, type Awaitable } from '../../shared/awaitable';
import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import type { MessageAcceptance } from '../domain/message-log';
import type { ResolveSpeaker } from '../../sessions/application/resolve-speaker.use-case';
import type { MessageDelivery } from './ports/message-delivery';

export interface RelayMessageInput {
  sessionId: string;
  socketId: string;
  id: string;
  /** Opaque ciphertext, relayed unchanged. Security: never inspect or log it. */
  box: Buffer;
}

export interface RelayStamp extends MessageAcceptance {
  roomKey: string;
  from: string;
}

/**
 * Relays a message: checks the speaker's session (it exists and this socket is its current
 * one), then has it stamped with the room's next seq and delivered to the others, or gets
 * the first stamp of a repeated id (then `fresh` is false and nothing is delivered).
 * Errors: SESSION_NOT_FOUND. Synchronous when the session store and the delivery answer
 * synchronously (in memory): it runs once per message, and each promise it would otherwise
 * create costs a microtask hop and an async-hook call (docs/benchmarks.md).
 */
export class RelayMessage {
  constructor(
    private readonly speakers: ResolveSpeaker,
    private readonly delivery: MessageDelivery,
    private readonly clock: Clock,
  ) {}

  execute(input: RelayMessageInput): Awaitable<Result<RelayStamp, 'SESSION_NOT_FOUND'>> {
    return andThen(this.speakers.execute(input.sessionId, input.socketId), (speaker) => {
      if (!speaker.ok) return speaker;
      const { roomKey, name } = speaker.value;
      const message = { roomKey, id: input.id, from: name, senderSocketId: input.socketId, box: input.box };
      return andThen(this.delivery.deliver(message, this.clock.now()), (stamp) =>
        stamp ? ok({ seq: stamp.seq, ts: stamp.ts, fresh: stamp.fresh, roomKey, from: name }) : fail('SESSION_NOT_FOUND'),
      );
    });
  }
}
