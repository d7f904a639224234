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
    const condition = { now: this.clock.now(), graceMs: this.graceMs };
    const expired = await this.sessions.outstayed(condition.now, condition.graceMs);
    const ended = await Promise.all(expired.map((session) => this.endSession.execute(session.id, 'timeout', condition)));
    return ended.filter(Boolean).length;
  }
}
