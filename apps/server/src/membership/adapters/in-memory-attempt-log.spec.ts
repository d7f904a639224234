import { attemptLogContract } from '../../testing/attempt-log-contract';
import { InMemoryAttemptLog } from './in-memory-attempt-log';

describe('InMemoryAttemptLog', () => {
  attemptLogContract(() => new InMemoryAttemptLog());

  it('forgets a key whose slots all left the window once others arrive', async () => {
    const log = new InMemoryAttemptLog();
    for (let n = 0; n < 1_000; n++) await log.reserve(`key-${n}`, 0, 60_000, 5);
    await log.reserve('fresh', 60_000, 60_000, 5);

    const held = (log as unknown as { slots: Map<string, unknown[]> }).slots;
    expect([...held.keys()]).toEqual(['fresh']);
  });
});
