import { ManualClock } from '../../testing/manual-clock';
import { InMemoryAttemptLog } from '../adapters/in-memory-attempt-log';
import { SlidingWindowLimiter, type LimitedAttempt } from './sliding-window-limiter';

const WINDOW = 60_000;

function limiter(limit: number, clock = new ManualClock()): SlidingWindowLimiter {
  return new SlidingWindowLimiter(limit, WINDOW, clock, new InMemoryAttemptLog());
}

async function counted(limited: SlidingWindowLimiter, key: string, times: number): Promise<LimitedAttempt[]> {
  const attempts: LimitedAttempt[] = [];
  for (let n = 0; n < times; n++) attempts.push(await limited.attempt(key));
  return attempts;
}

describe('SlidingWindowLimiter', () => {
  it('lets attempts through up to the limit', async () => {
    const attempts = await counted(limiter(5), 'a', 5);

    expect(attempts.every((attempt) => attempt.ok)).toBe(true);
  });

  it('refuses the attempt after `limit` counted ones, with the time until one leaves the window', async () => {
    const clock = new ManualClock();
    const limited = limiter(2, clock);
    await counted(limited, 'a', 1);
    clock.advance(10_000);
    await counted(limited, 'a', 1);
    clock.advance(5_000);

    expect(await limited.attempt('a')).toEqual({ ok: false, retryAfterMs: 45_000 });
  });

  it('does not count an attempt that gave its slot back', async () => {
    const limited = limiter(1);
    const [attempt] = await counted(limited, 'a', 1);
    if (attempt?.ok) await attempt.release();

    expect((await limited.attempt('a')).ok).toBe(true);
  });

  it('counts each key on its own', async () => {
    const limited = limiter(1);
    await counted(limited, 'a', 1);

    expect((await limited.attempt('b')).ok).toBe(true);
  });

  it('lets an attempt through again once the oldest counted one left the window', async () => {
    const clock = new ManualClock();
    const limited = limiter(1, clock);
    await counted(limited, 'a', 1);
    clock.advance(WINDOW - 1);
    expect((await limited.attempt('a')).ok).toBe(false);
    clock.advance(1);

    expect((await limited.attempt('a')).ok).toBe(true);
  });

  it('says how many more attempts may count before one is refused', async () => {
    const attempts = await counted(limiter(3), 'a', 3);

    expect(attempts.map((attempt) => (attempt.ok ? attempt.left : undefined))).toEqual([2, 1, 0]);
  });

  it('never refuses with a limit of 0, has nothing to give back, and counts nothing down', async () => {
    const attempts = await counted(limiter(0), 'a', 1_000);

    expect(attempts.every((attempt) => attempt.ok && attempt.left === undefined)).toBe(true);
    if (attempts[0]?.ok) await attempts[0].release();
  });
});
