import type { AttemptLog } from './ports/attempt-log';
import type { Clock } from '../../shared/clock';

/**
 * An attempt let through, holding a slot: `release` it unless the attempt counts. `left`: how
 * many more attempts may count, within the window, before one is refused (this one counted);
 * absent when the limit is off.
 */
export type LimitedAttempt = { ok: true; release: () => Promise<void>; left?: number } | { ok: false; retryAfterMs: number };

const NOTHING_HELD = async (): Promise<void> => undefined;

/**
 * At most `limit` counted attempts per key over a sliding window. Each attempt takes its slot
 * before anything it counts for is checked, and gives it back when it turns out not to count;
 * so concurrent attempts never get more than `limit` through, and while every slot is held
 * every attempt is refused. A limit of 0 never refuses. The slots live in an AttemptLog, in this
 * process or shared by every process.
 */
export class SlidingWindowLimiter {
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly log: AttemptLog,
  ) {}

  async attempt(key: string): Promise<LimitedAttempt> {
    if (this.limit === 0) return { ok: true, release: NOTHING_HELD };
    const reservation = await this.log.reserve(key, this.clock.now(), this.windowMs, this.limit);
    if (!reservation.ok) return reservation;
    return { ok: true, release: () => this.log.release(key, reservation.ticket), left: reservation.free };
  }
}
