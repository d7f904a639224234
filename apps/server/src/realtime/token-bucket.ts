import type { Clock } from '../shared/clock';

/**
 * Messages per socket (docs/protocol.md §7): `ratePerSec` tokens a second, at most `burst` saved up.
 * Either at 0 turns the limit off.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.refilledAt = clock.now();
  }

  take(): boolean {
    if (!this.has()) return false;
    if (this.ratePerSec !== 0 && this.burst !== 0) this.tokens -= 1;
    return true;
  }

  /** Whether take() would succeed now, without taking (for events that count only when they pass other checks). */
  has(): boolean {
    if (this.ratePerSec === 0 || this.burst === 0) return true;
    const now = this.clock.now();
    // A wall clock stepping back must not drain the bucket.
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSec) / 1000);
    this.refilledAt = now;
    return this.tokens >= 1;
  }
}
