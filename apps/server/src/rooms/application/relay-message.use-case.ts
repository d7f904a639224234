import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import type { MessageAcceptance } from '../domain/message-log';
import type { ResolveSpeaker } from '../../sessions/application/resolve-speaker.use-case';
import type { RoomRepository } from './ports/room.repository';

export interface RelayMessageInput {
  sessionId: string;
  socketId: string;
  id: string;
}

export interface RelayStamp extends MessageAcceptance {
  roomKey: string;
  from: string;
}

/**
 * Stamps a message for relay: checks the speaker's session, gives the id the room's next
 * seq, or the first stamp of a repeated id (then `fresh` is false and nothing is relayed).
 * Errors: SESSION_NOT_FOUND. Security: the box is opaque ciphertext; it never reaches here.
 */
export class RelayMessage {
  constructor(
    private readonly speakers: ResolveSpeaker,
    private readonly rooms: RoomRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: RelayMessageInput): Promise<Result<RelayStamp, 'SESSION_NOT_FOUND'>> {
    const speaker = await this.speakers.execute(input.sessionId, input.socketId);
    if (!speaker.ok) return speaker;
    const { roomKey, name } = speaker.value;
    const stamp = await this.rooms.acceptMessage(roomKey, input.id, this.clock.now());
    return stamp ? ok({ ...stamp, roomKey, from: name }) : fail('SESSION_NOT_FOUND');
  }
}
