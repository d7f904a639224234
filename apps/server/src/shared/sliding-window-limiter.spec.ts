import { ManualClock } from '../testing/manual-clock';
import { InMemoryAttemptLog } from './in-memory-attempt-log';
import { SlidingWindowLimiter } from './sliding-window-limiter';

const WINDOW = 60_000;

async function recordTimes(limiter: SlidingWindowLimiter, key: string, times: number): Promise<void> {
  for (let n = 0; n < times; n++) await limiter.record(key);
}

describe('SlidingWindowLimiter', () => {
  it('does not block below the limit', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(5, WINDOW, clock, new InMemoryAttemptLog());
    await recordTimes(limiter, 'a', 4);

    expect(await limiter.blocked('a')).toBe(false);
  });

  it('blocks once the limit is reached', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(5, WINDOW, clock, new InMemoryAttemptLog());
    await recordTimes(limiter, 'a', 5);

    expect(await limiter.blocked('a')).toBe(true);
  });

  it('counts each key on its own', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(5, WINDOW, clock, new InMemoryAttemptLog());
    await recordTimes(limiter, 'a', 5);

    expect(await limiter.blocked('b')).toBe(false);
  });

  it('does not count checking as an event', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(1, WINDOW, clock, new InMemoryAttemptLog());
    for (let n = 0; n < 10; n++) await limiter.blocked('a');

    expect(await limiter.blocked('a')).toBe(false);
  });

  it('still blocks 1 ms before the oldest event leaves the window', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock, new InMemoryAttemptLog());
    await limiter.record('a');
    clock.advance(10_000);
    await limiter.record('a');
    clock.advance(WINDOW - 10_000 - 1);

    expect(await limiter.blocked('a')).toBe(true);
  });

  it('slides: unblocks when the oldest event leaves the window, not all of them', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock, new InMemoryAttemptLog());
    await limiter.record('a');
    clock.advance(10_000);
    await limiter.record('a');
    clock.advance(WINDOW - 10_000);

    expect(await limiter.blocked('a')).toBe(false);
    await limiter.record('a');
    expect(await limiter.blocked('a')).toBe(true);
  });

  it('blocks again until the next oldest event leaves the window', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock, new InMemoryAttemptLog());
    await limiter.record('a');
    clock.advance(10_000);
    await limiter.record('a');
    clock.advance(WINDOW - 10_000);
    await limiter.record('a');
    clock.advance(9_999);

    expect(await limiter.blocked('a')).toBe(true);
    clock.advance(1);
    expect(await limiter.blocked('a')).toBe(false);
  });

  it('answers a retry time of 0 when not blocked', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock, new InMemoryAttemptLog());
    await limiter.record('a');

    expect(await limiter.retryAfterMs('a')).toBe(0);
  });

  it('answers the time until the oldest counted event leaves the window', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock, new InMemoryAttemptLog());
    await limiter.record('a');
    clock.advance(10_000);
    await limiter.record('a');
    clock.advance(5_000);

    expect(await limiter.retryAfterMs('a')).toBe(45_000);
  });

  it('answers the time until enough events leave the window when over the limit', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock, new InMemoryAttemptLog());
    await limiter.record('a');
    clock.advance(1_000);
    await limiter.record('a');
    clock.advance(1_000);
    await limiter.record('a');

    expect(await limiter.retryAfterMs('a')).toBe(WINDOW - 1_000);
  });

  it('never blocks with a limit of 0', async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(0, WINDOW, clock, new InMemoryAttemptLog());
    await recordTimes(limiter, 'a', 1_000);

    expect(await limiter.blocked('a')).toBe(false);
    expect(await limiter.retryAfterMs('a')).toBe(0);
  });
});
