import type { Clock } from '../../shared/clock';
import type { EndSession } from './end-session.use-case';
import type { SessionRepository } from './ports/session.repository';

/**
 * Ends every session that has been away for the grace period (`timeout`), including sessions
 * that never connected. Run periodically; resolves to how many ended.
 */
export class ExpireAwaySessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly endSession: EndSession,
    private readonly clock: Clock,
    private readonly graceMs: number,
  ) {}

  async execute(): Promise<number> {
    const expired = await this.sessions.outstayed(this.clock.now(), this.graceMs);
    const ended = await Promise.all(expired.map((session) => this.endSession.execute(session.id, 'timeout')));
    return ended.filter(Boolean).length;
  }
}
