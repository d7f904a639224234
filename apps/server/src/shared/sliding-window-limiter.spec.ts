import { ManualClock } from '../testing/manual-clock';
import { SlidingWindowLimiter } from './sliding-window-limiter';

const WINDOW = 60_000;

function recordTimes(limiter: SlidingWindowLimiter, key: string, times: number): void {
  for (let n = 0; n < times; n++) limiter.record(key);
}

describe('SlidingWindowLimiter', () => {
  it('does not block below the limit', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(5, WINDOW, clock);
    recordTimes(limiter, 'a', 4);

    expect(limiter.blocked('a')).toBe(false);
  });

  it('blocks once the limit is reached', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(5, WINDOW, clock);
    recordTimes(limiter, 'a', 5);

    expect(limiter.blocked('a')).toBe(true);
  });

  it('counts each key on its own', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(5, WINDOW, clock);
    recordTimes(limiter, 'a', 5);

    expect(limiter.blocked('b')).toBe(false);
  });

  it('does not count checking as an event', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(1, WINDOW, clock);
    for (let n = 0; n < 10; n++) limiter.blocked('a');

    expect(limiter.blocked('a')).toBe(false);
  });

  it('still blocks 1 ms before the oldest event leaves the window', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock);
    limiter.record('a');
    clock.advance(10_000);
    limiter.record('a');
    clock.advance(WINDOW - 10_000 - 1);

    expect(limiter.blocked('a')).toBe(true);
  });

  it('slides: unblocks when the oldest event leaves the window, not all of them', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock);
    limiter.record('a');
    clock.advance(10_000);
    limiter.record('a');
    clock.advance(WINDOW - 10_000);

    expect(limiter.blocked('a')).toBe(false);
    limiter.record('a');
    expect(limiter.blocked('a')).toBe(true);
  });

  it('blocks again until the next oldest event leaves the window', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock);
    limiter.record('a');
    clock.advance(10_000);
    limiter.record('a');
    clock.advance(WINDOW - 10_000);
    limiter.record('a');
    clock.advance(9_999);

    expect(limiter.blocked('a')).toBe(true);
    clock.advance(1);
    expect(limiter.blocked('a')).toBe(false);
  });

  it('answers a retry time of 0 when not blocked', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock);
    limiter.record('a');

    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('answers the time until the oldest counted event leaves the window', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock);
    limiter.record('a');
    clock.advance(10_000);
    limiter.record('a');
    clock.advance(5_000);

    expect(limiter.retryAfterMs('a')).toBe(45_000);
  });

  it('answers the time until enough events leave the window when over the limit', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(2, WINDOW, clock);
    limiter.record('a');
    clock.advance(1_000);
    limiter.record('a');
    clock.advance(1_000);
    limiter.record('a');

    expect(limiter.retryAfterMs('a')).toBe(WINDOW - 1_000);
  });

  it('never blocks with a limit of 0', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(0, WINDOW, clock);
    recordTimes(limiter, 'a', 1_000);

    expect(limiter.blocked('a')).toBe(false);
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('forgets a key whose events all left the window once others arrive', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(5, WINDOW, clock);
    for (let n = 0; n < 1_000; n++) limiter.record(`key-${n}`);
    clock.advance(WINDOW);
    limiter.record('fresh');

    const held = (limiter as unknown as { hits: Map<string, number[]> }).hits;
    expect([...held.keys()]).toEqual(['fresh']);
  });
});
