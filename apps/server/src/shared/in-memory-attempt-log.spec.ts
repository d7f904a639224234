import { attemptLogContract } from '../testing/attempt-log-contract';
import { InMemoryAttemptLog } from './in-memory-attempt-log';

describe('InMemoryAttemptLog', () => {
  attemptLogContract(() => new InMemoryAttemptLog());

  it('forgets a key whose attempts all left the window once others arrive', async () => {
    const log = new InMemoryAttemptLog();
    for (let n = 0; n < 1_000; n++) await log.record(`key-${n}`, 0, 60_000);
    await log.record('fresh', 60_000, 60_000);

    const held = (log as unknown as { attempts: Map<string, number[]> }).attempts;
    expect([...held.keys()]).toEqual(['fresh']);
  });
});
