import { attemptLogContract } from '../../testing/attempt-log-contract';
import { useRedisServer } from '../../testing/use-redis-server';
import { RedisAttemptLog } from './redis-attempt-log';
import { redisKeys } from './redis-keys';

describe('RedisAttemptLog', () => {
  const redis = useRedisServer();

  attemptLogContract(async () => new RedisAttemptLog(await redis.fresh()));

  it('lets a key expire with its window', async () => {
    const log = new RedisAttemptLog(await redis.fresh());
    await log.record('a', Date.now(), 60_000);

    const ttl = await redis.redis().pttl(redisKeys.attempts('a'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
