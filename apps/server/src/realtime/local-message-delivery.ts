import type { InMemoryRoomRepository } from '../rooms/adapters/in-memory-room.repository';
import type { OutgoingMessage } from '../rooms/application/ports/message-delivery';
import type { MessageAcceptance } from '../rooms/domain/message-log';
import { SocketMessageDelivery } from './socket-message-delivery';

/**
 * One server process with the in-memory store: stamping and emitting are one synchronous
 * step, so nothing can come between them and the room's members get its messages in seq order.
 */
export class LocalMessageDelivery extends SocketMessageDelivery {
  constructor(private readonly rooms: InMemoryRoomRepository) {
    super();
  }

  deliver(message: OutgoingMessage, now: number): MessageAcceptance | undefined {
    const stamp = this.rooms.acceptMessageNow(message.roomKey, message.id, now);
    if (stamp?.fresh) this.emitLocally(message, stamp);
    return stamp;
  }
}
