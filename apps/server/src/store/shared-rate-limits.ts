import type { ThrottlerStorage } from '@nestjs/throttler';

/**
 * Where @nestjs/throttler counts requests and connections: its own in-memory storage unless
 * a store shared by several processes provides one, so limits hold across them.
 */
export class SharedRateLimits {
  constructor(readonly throttlerStorage: ThrottlerStorage | undefined) {}
}

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
