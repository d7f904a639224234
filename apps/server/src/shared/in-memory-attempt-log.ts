import { AttemptLog } from './attempt-log';

/** Attempts in this process's memory; keys whose attempts all left the window are swept. */
export class InMemoryAttemptLog extends AttemptLog {
  private readonly attempts = new Map<string, number[]>();
  private nextSweep = 0;

  async record(key: string, now: number, windowMs: number): Promise<void> {
    this.attempts.set(key, [...within(this.attempts.get(key), now, windowMs), now]);
    this.sweep(now, windowMs);
  }

  async recent(key: string, now: number, windowMs: number): Promise<number[]> {
    return within(this.attempts.get(key), now, windowMs);
  }

  private sweep(now: number, windowMs: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + windowMs;
    for (const [key, times] of this.attempts) {
      if (within(times, now, windowMs).length === 0) this.attempts.delete(key);
    }
  }
}

/** Attempts "in the future" (the wall clock stepped back) are dropped rather than kept for longer. */
function within(times: number[] | undefined, now: number, windowMs: number): number[] {
  return (times ?? []).filter((at) => at <= now && now - at < windowMs);
}
