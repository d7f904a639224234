import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AttemptLog } from '../../shared/attempt-log';
import { redisKeys } from './redis-keys';

/**
 * Attempts in Redis, shared by every server process: a sorted set per key scored by time,
 * trimmed to the window and expiring with it.
 */
export class RedisAttemptLog extends AttemptLog {
  constructor(private readonly redis: Redis) {
    super();
  }

  async record(key: string, now: number, windowMs: number): Promise<void> {
    const attempts = redisKeys.attempts(key);
    await this.redis
      .multi()
      // A random member: two attempts in the same millisecond are two attempts.
      .zadd(attempts, now, `${now}:${randomBytes(6).toString('base64url')}`)
      .zremrangebyscore(attempts, '-inf', now - windowMs)
      .pexpire(attempts, windowMs)
      .exec();
  }

  async recent(key: string, now: number, windowMs: number): Promise<number[]> {
    const reply = await this.redis.zrangebyscore(redisKeys.attempts(key), `(${now - windowMs}`, now, 'WITHSCORES');
    return reply.filter((_, n) => n % 2 === 1).map(Number);
  }
}
