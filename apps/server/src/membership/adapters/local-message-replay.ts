import { missedRange } from '../domain/held-messages';
import { MessageReplay, type Replay, type ResumeRequest } from '../application/ports/message-replay';
import type { InMemoryRoomRepository } from './in-memory-room.repository';

/**
 * MessageReplay for one server process (STORE=memory): reads what the room repository holds,
 * synchronously, so a resume is read and sent in one step and no live message can come between
 * (docs/protocol.md §5.1).
 */
export class LocalMessageReplay extends MessageReplay {
  constructor(private readonly rooms: InMemoryRoomRepository) {
    super();
  }

  replay(request: ResumeRequest, now: number): Replay | undefined {
    const { sessionId, roomKey, sinceSeq, resume } = request;
    const upTo = this.rooms.latestSeq(roomKey);
    if (upTo === undefined) return undefined;
    if (resume === undefined) return { messages: [], upTo };
    const after = Math.max(Math.min(resume, upTo), sinceSeq);
    const held = this.rooms.heldSince(roomKey, after, now);
    if (!held) return undefined;
    const messages = held.messages.filter((entry) => entry.senderSessionId !== sessionId).map((entry) => entry.message);
    const missed = missedRange(after, held.lowestHeld, sessionId, (seq) => this.rooms.senderOf(roomKey, seq));
    return missed ? { missed, messages, upTo } : { messages, upTo };
  }

  latestSeq(roomKey: string): number | undefined {
    return this.rooms.latestSeq(roomKey);
  }

  forgetExpired(now: number): void {
    this.rooms.forgetExpired(now);
  }
}
