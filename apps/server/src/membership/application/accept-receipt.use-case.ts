import type { MessageReplay } from './ports/message-replay';
import type { SessionRepository } from './ports/session.repository';

/**
 * A delivery receipt (docs/protocol.md §5.2): counts when `seq` is not above the room's latest
 * and grows the session's last receipt, across all its connections, and the socket speaks for
 * the session (Session.speaksIn). Resolves to the name to relay it under, or undefined (drop it).
 */
export class AcceptReceipt {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly replays: MessageReplay,
  ) {}

  async execute(sessionId: string, roomKey: string, socketId: string, seq: number): Promise<string | undefined> {
    const latest = await this.replays.latestSeq(roomKey);
    if (latest === undefined || seq > latest) return undefined;
    return this.sessions.advanceReceipt(sessionId, roomKey, socketId, seq);
  }
}
