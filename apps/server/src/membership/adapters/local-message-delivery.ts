import type { MessageStamp } from '../domain/message-log';
import { MessageDelivery, type OutgoingMessage } from '../application/ports/message-delivery';
import type { RoomSockets } from '../application/ports/room-sockets';
import type { InMemoryRoomRepository } from './in-memory-room.repository';
import type { InMemorySessionRepository } from './in-memory-session.repository';

/**
 * One server process with the in-memory store: the speaker check, the stamp and the hand-over
 * to the room's sockets are one synchronous step, so nothing can come between them and the
 * room's members get its messages in seq order; a fresh one is held for resuming in the same
 * step (docs/protocol.md §5.1). No promise per message (docs/benchmarks.md).
 */
export class LocalMessageDelivery extends MessageDelivery {
  constructor(
    private readonly sessions: InMemorySessionRepository,
    private readonly rooms: InMemoryRoomRepository,
    private readonly sockets: RoomSockets,
  ) {
    super();
  }

  deliver(outgoing: OutgoingMessage, now: number): MessageStamp | undefined {
    const { sessionId, roomKey, senderSocketId, id, box } = outgoing;
    const session = this.sessions.peek(sessionId);
    if (!session?.speaksIn(roomKey, senderSocketId)) return undefined;
    const stamp = this.rooms.stamp(roomKey, id, now, sessionId);
    if (stamp?.fresh) {
      const relayed = { id, from: session.name, ts: stamp.ts, seq: stamp.seq, box };
      this.rooms.hold(roomKey, sessionId, relayed, now);
      this.sockets.relay(roomKey, senderSocketId, relayed);
    }
    return stamp;
  }
}
