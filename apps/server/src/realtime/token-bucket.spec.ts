import { ManualClock } from '../testing/manual-clock';
import { TokenBucket } from './token-bucket';

const T0 = 1_700_000_000_000;

describe('TokenBucket', () => {
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock(T0);
  });

  /** Takes a token at `now`. */
  function takeAt(bucket: TokenBucket, now: number): boolean {
    clock.set(now);
    return bucket.take();
  }

  function takeTimes(bucket: TokenBucket, times: number, now: number): boolean[] {
    return Array.from({ length: times }, () => takeAt(bucket, now));
  }

  it('allows a burst of `burst` messages at once', () => {
    const bucket = new TokenBucket(20, 40, clock);

    expect(takeTimes(bucket, 40, T0).every(Boolean)).toBe(true);
  });

  it('refuses the message after the burst', () => {
    const bucket = new TokenBucket(20, 40, clock);
    takeTimes(bucket, 40, T0);

    expect(takeAt(bucket, T0)).toBe(false);
  });

  it('refills one token every 1/rate seconds after a burst', () => {
    const bucket = new TokenBucket(20, 40, clock);
    takeTimes(bucket, 40, T0);

    expect(takeAt(bucket, T0 + 49)).toBe(false);
    expect(takeAt(bucket, T0 + 50)).toBe(true);
    expect(takeAt(bucket, T0 + 50)).toBe(false);
  });

  it('sustains the steady rate after a burst', () => {
    const bucket = new TokenBucket(20, 40, clock);
    takeTimes(bucket, 40, T0);

    const steady = Array.from({ length: 100 }, (_, n) => takeAt(bucket, T0 + (n + 1) * 50));

    expect(steady.every(Boolean)).toBe(true);
  });

  it('allows rate messages a second, not more, once the burst is spent', () => {
    const bucket = new TokenBucket(20, 40, clock);
    takeTimes(bucket, 40, T0);

    const second = takeTimes(bucket, 25, T0 + 1_000);

    expect(second.filter(Boolean)).toHaveLength(20);
  });

  it('saves up no more than the burst however long it waits', () => {
    const bucket = new TokenBucket(20, 40, clock);

    expect(takeTimes(bucket, 41, T0 + 3_600_000).filter(Boolean)).toHaveLength(40);
  });

  it('counts partial tokens toward the next message', () => {
    const bucket = new TokenBucket(20, 1, clock);
    takeAt(bucket, T0);

    expect(takeAt(bucket, T0 + 25)).toBe(false);
    expect(takeAt(bucket, T0 + 50)).toBe(true);
  });

  it('never refuses with a rate of 0', () => {
    const bucket = new TokenBucket(0, 40, clock);

    expect(takeTimes(bucket, 1_000, T0).every(Boolean)).toBe(true);
  });

  it('never refuses with a burst of 0', () => {
    const bucket = new TokenBucket(20, 0, clock);

    expect(takeTimes(bucket, 1_000, T0).every(Boolean)).toBe(true);
  });

  it('does not take tokens away when the clock steps back', () => {
    // Date.now() is wall-clock time: an NTP step back must not drain the bucket (docs/protocol.md §7).
    const bucket = new TokenBucket(20, 40, clock);

    expect(takeAt(bucket, T0 - 3_600_000)).toBe(true);
  });
});
