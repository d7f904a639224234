import type { AttemptLog } from './attempt-log';
import type { Clock } from './clock';

/**
 * Counts events per key over a sliding window: blocked once `limit` events fell within the
 * last `windowMs`. A limit of 0 never blocks. The events live in an AttemptLog, in this
 * process or shared by every process.
 */
export class SlidingWindowLimiter {
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly log: AttemptLog,
  ) {}

  async blocked(key: string): Promise<boolean> {
    return (await this.retryAfterMs(key)) > 0;
  }

  /** Milliseconds until the key is no longer blocked (0 when it is not). */
  async retryAfterMs(key: string): Promise<number> {
    if (this.limit === 0) return 0;
    const now = this.clock.now();
    const times = await this.log.recent(key, now, this.windowMs);
    if (times.length < this.limit) return 0;
    return times[times.length - this.limit]! + this.windowMs - now;
  }

  async record(key: string): Promise<void> {
    if (this.limit === 0) return;
    await this.log.record(key, this.clock.now(), this.windowMs);
  }
}
