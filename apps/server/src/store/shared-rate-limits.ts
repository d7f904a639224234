import type { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { RedisStore } from './redis/redis-store';
import { redisKeys } from './redis/redis-keys';

/** Names every key it counts under a prefix of its own, so shared counters are easy to tell apart. */
export class PrefixedThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly inner: ThrottlerStorage,
    private readonly prefix: string,
  ) {}

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): ReturnType<ThrottlerStorage['increment']> {
    return this.inner.increment(`${this.prefix}${key}`, ttl, limit, blockDuration, throttlerName);
  }
}

/**
 * Where @nestjs/throttler counts requests and connections: its own in-memory storage unless
 * a store shared by several processes provides one, so limits hold across them.
 */
export class SharedRateLimits {
  constructor(readonly throttlerStorage: ThrottlerStorage | undefined) {}

  /** In this process (no store), or in the deployment's Redis under `cn:rate:`. */
  static of(store: RedisStore | undefined): SharedRateLimits {
    if (!store) return new SharedRateLimits(undefined);
    return new SharedRateLimits(new PrefixedThrottlerStorage(new ThrottlerStorageRedisService(store.commands), redisKeys.rateLimits));
  }
}
