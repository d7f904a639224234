import type { Clock } from '../../shared/clock';
import type { RoomEvents } from './ports/room-events';
import { changeSession } from './change-session';
import type { SessionRepository } from './ports/session.repository';

/**
 * A socket went away (closed tab, lost network, slow consumer). If it was its session's
 * current socket the session turns away and the others hear it; the grace period starts.
 */
export class DisconnectSocket {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly events: RoomEvents,
    private readonly clock: Clock,
  ) {}

  async execute(sessionId: string, socketId: string): Promise<void> {
    const now = this.clock.now();
    const changed = await changeSession(this.sessions, sessionId, (session) => session.detach(socketId, now) || undefined);
    if (!changed?.outcome) return;
    const { session } = changed;
    this.events.memberChanged({ roomKey: session.roomKey, sessionId, type: 'away', name: session.name, at: now });
  }
}
