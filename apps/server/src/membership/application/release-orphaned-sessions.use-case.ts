import type { Clock } from '../../shared/clock';
import type { RoomEvents } from './ports/room-events';
import type { SessionRepository } from './ports/session.repository';

/**
 * Sessions whose socket was held by a server process that died (a shared store outlives it)
 * turn away, as if their sockets had closed: the others hear `away` and the grace starts, so
 * a killed process leaves no ghost members. Run periodically; resolves to how many turned away.
 */
export class ReleaseOrphanedSessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly events: RoomEvents,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    const released = await this.sessions.releaseOrphans(now);
    for (const session of released) {
      this.events.memberChanged({ roomKey: session.roomKey, sessionId: session.id, type: 'away', name: session.name, at: now });
    }
    return released.length;
  }
}
