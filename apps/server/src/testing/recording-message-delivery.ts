import type { RoomRepository } from '../rooms/application/ports/room.repository';
import { MessageDelivery, type OutgoingMessage } from '../rooms/application/ports/message-delivery';
import type { MessageAcceptance } from '../rooms/domain/message-log';

/** A MessageDelivery double: stamps through the room repository and keeps what it delivered. */
export class RecordingMessageDelivery extends MessageDelivery {
  readonly delivered: (OutgoingMessage & { seq: number; ts: number })[] = [];

  constructor(private readonly rooms: RoomRepository) {
    super();
  }

  async deliver(message: OutgoingMessage, now: number): Promise<MessageAcceptance | undefined> {
    const stamp = await this.rooms.acceptMessage(message.roomKey, message.id, now);
    if (stamp?.fresh) this.delivered.push({ ...message, seq: stamp.seq, ts: stamp.ts });
    return stamp;
  }
}
