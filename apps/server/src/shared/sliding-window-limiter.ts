import type { Clock } from './clock';

/**
 * Counts events per key over a sliding window: `blocked` once `limit` events fell within the
 * last `windowMs`. A limit of 0 never blocks. Old keys are swept as new ones arrive.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private nextSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  blocked(key: string): boolean {
    if (this.limit === 0) return false;
    return this.recent(key, this.clock.now()).length >= this.limit;
  }

  /** Milliseconds until the key is no longer blocked (0 when it is not). */
  retryAfterMs(key: string): number {
    const now = this.clock.now();
    const hits = this.recent(key, now);
    if (this.limit === 0 || hits.length < this.limit) return 0;
    return hits[hits.length - this.limit]! + this.windowMs - now;
  }

  record(key: string): void {
    if (this.limit === 0) return;
    const now = this.clock.now();
    this.hits.set(key, [...this.recent(key, now), now]);
    this.sweep(now);
  }

  private recent(key: string, now: number): number[] {
    // Hits "in the future" (the wall clock stepped back) are dropped rather than kept for longer.
    return (this.hits.get(key) ?? []).filter((at) => at <= now && now - at < this.windowMs);
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.windowMs;
    for (const [key, hits] of this.hits) {
      if (hits.every((at) => now - at >= this.windowMs)) this.hits.delete(key);
    }
  }
}
