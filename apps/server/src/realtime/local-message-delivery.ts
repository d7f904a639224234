import type { InMemoryRoomRepository } from '../rooms/adapters/in-memory-room.repository';
import type { Delivery, OutgoingMessage } from '../rooms/application/ports/message-delivery';
import type { InMemorySessionRepository } from '../sessions/adapters/in-memory-session.repository';
import { SocketMessageDelivery } from './socket-message-delivery';

/**
 * One server process with the in-memory store: the speaker check, the stamp and the emit are one
 * synchronous step, so nothing can come between them and the room's members get its messages in
 * seq order.
 */
export class LocalMessageDelivery extends SocketMessageDelivery {
  constructor(
    private readonly sessions: InMemorySessionRepository,
    private readonly rooms: InMemoryRoomRepository,
  ) {
    super();
  }

  deliver(outgoing: OutgoingMessage, now: number): Delivery | undefined {
    const { sessionId, roomKey, senderSocketId, id, box } = outgoing;
    const session = this.sessions.getNow(sessionId);
    if (!session || session.roomKey !== roomKey || session.socketId !== senderSocketId) return undefined;
    const stamp = this.rooms.acceptMessageNow(roomKey, id, now);
    if (!stamp) return undefined;
    const from = session.name;
    if (stamp.fresh) this.emitLocally({ roomKey, senderSocketId, message: { id, from, ts: stamp.ts, seq: stamp.seq, box } });
    return { seq: stamp.seq, ts: stamp.ts, fresh: stamp.fresh, roomKey, from };
  }
}
