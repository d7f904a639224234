import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AttemptLog, type AttemptReservation } from '../application/ports/attempt-log';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisScript } from '../../store/redis/redis-script';

/**
 * Lua: forgets slots that left the window, counts those within it (`now - window < at <= now`)
 * and either adds the ticket at `now` or answers how long until enough leave. Returns
 * { 1, free } or { 0, retryAfterMs }.
 */
const RESERVE = new RedisScript(`
local slots = KEYS[1]
local now, window, limit, ticket = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now - window)
local held = redis.call('ZCOUNT', slots, '(' .. (now - window), now)
if held >= limit then
  local oldest = redis.call('ZRANGEBYSCORE', slots, '(' .. (now - window), now, 'WITHSCORES', 'LIMIT', held - limit, 1)
  return { 0, tonumber(oldest[2]) + window - now }
end
redis.call('ZADD', slots, now, ticket)
redis.call('PEXPIRE', slots, window)
return { 1, limit - held - 1 }
`);

/**
 * Attempts in Redis, shared by every server process: a sorted set of tickets per key scored by
 * time, trimmed to the window and expiring with it; a reservation is one script.
 */
export class RedisAttemptLog extends AttemptLog {
  static readonly scripts = [RESERVE];

  constructor(private readonly redis: Redis) {
    super();
  }

  async reserve(key: string, now: number, windowMs: number, limit: number): Promise<AttemptReservation> {
    // A random ticket: two attempts in the same millisecond are two attempts.
    const ticket = `${now}:${randomBytes(9).toString('base64url')}`;
    const reply = (await RESERVE.run(this.redis, [redisKeys.attempts(key)], [now, windowMs, limit, ticket])) as [number, number?];
    return reply[0] === 1 ? { ok: true, ticket, free: reply[1] ?? 0 } : { ok: false, retryAfterMs: reply[1] ?? windowMs };
  }

  async release(key: string, ticket: string): Promise<void> {
    await this.redis.zrem(redisKeys.attempts(key), ticket);
  }
}
