import type { RoomRepository } from '../rooms/application/ports/room.repository';
import { MessageDelivery, type Delivery, type OutgoingMessage } from '../rooms/application/ports/message-delivery';
import type { SessionRepository } from '../sessions/application/ports/session.repository';

/**
 * A MessageDelivery double over the repositories: checks the speaker as the real deliveries do,
 * stamps through the room repository, and keeps what it delivered.
 */
export class RecordingMessageDelivery extends MessageDelivery {
  readonly delivered: (OutgoingMessage & Delivery)[] = [];

  constructor(
    private readonly sessions: SessionRepository,
    private readonly rooms: RoomRepository,
  ) {
    super();
  }

  async deliver(message: OutgoingMessage, now: number): Promise<Delivery | undefined> {
    const session = await this.sessions.get(message.sessionId);
    if (!session || session.roomKey !== message.roomKey || session.socketId !== message.senderSocketId) return undefined;
    const stamp = await this.rooms.acceptMessage(message.roomKey, message.id, now);
    if (!stamp) return undefined;
    const delivery = { ...stamp, roomKey: message.roomKey, from: session.name };
    if (stamp.fresh) this.delivered.push({ ...message, ...delivery });
    return delivery;
  }
}
