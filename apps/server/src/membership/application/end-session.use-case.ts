import type { LeftReason } from '@ciphernest/protocol';
import type { Clock } from '../../shared/clock';
import type { RoomEvents } from './ports/room-events';
import type { RoomRepository } from './ports/room.repository';
import type { OutstayedCondition, SessionRepository } from './ports/session.repository';

/**
 * Ends a session at once: `left` (leave, DELETE /api/session) or `timeout` (away past the
 * grace). The others hear `member left`; a socket it still has is told and closed. When it was
 * the room's last session the room is deleted with everything held for it, freeing the name.
 * With `condition`, ends it only if it is still away past its grace (it may have come back on
 * another server process meanwhile). Resolves to false when nothing ended.
 */
export class EndSession {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly sessions: SessionRepository,
    private readonly events: RoomEvents,
    private readonly clock: Clock,
  ) {}

  async execute(sessionId: string, reason: LeftReason, condition?: OutstayedCondition): Promise<boolean> {
    const session = await this.sessions.get(sessionId);
    if (!session) return false;
    const remaining = await this.sessions.remove(sessionId, condition);
    if (remaining === undefined) return false;
    const room = await this.rooms.get(session.roomKey);
    const roomName = room?.name ?? session.roomKey;
    this.events.sessionEnded({ roomKey: session.roomKey, room: roomName, sessionId, name: session.name, reason });
    this.events.memberChanged({
      roomKey: session.roomKey,
      sessionId,
      type: 'left',
      name: session.name,
      reason,
      at: this.clock.now(),
    });
    // A join may have slipped in since the count was taken: delete only a room still empty.
    const empty = remaining === 0 && (await this.sessions.inRoom(session.roomKey)).length === 0;
    if (empty && (await this.rooms.remove(session.roomKey))) {
      this.events.roomDeleted(session.roomKey, roomName);
    }
    return true;
  }
}
