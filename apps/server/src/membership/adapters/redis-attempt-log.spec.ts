import { attemptLogContract } from '../../testing/attempt-log-contract';
import { useRedisServer } from '../../testing/use-redis-server';
import { RedisAttemptLog } from './redis-attempt-log';
import { redisKeys } from '../../store/redis/redis-keys';

describe('RedisAttemptLog', () => {
  const redis = useRedisServer(RedisAttemptLog.scripts);

  attemptLogContract(async () => new RedisAttemptLog(await redis.fresh()));

  it('lets a key expire with its window', async () => {
    const log = new RedisAttemptLog(await redis.fresh());
    await log.reserve('a', Date.now(), 60_000, 5);

    const ttl = await redis.redis().pttl(redisKeys.attempts('a'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('grants exactly the limit to reservations from two clients at once', async () => {
    const client = await redis.fresh();
    const other = client.duplicate();
    try {
      const logs = [new RedisAttemptLog(client), new RedisAttemptLog(other)];
      const now = Date.now();

      const reservations = await Promise.all(Array.from({ length: 20 }, (_, n) => logs[n % 2]!.reserve('a', now, 60_000, 5)));

      expect(reservations.filter((reservation) => reservation.ok)).toHaveLength(5);
      expect(await client.zcard(redisKeys.attempts('a'))).toBe(5);
    } finally {
      other.disconnect();
    }
  });
});
