import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

export type ScriptArgument = string | number | Buffer;

/**
 * A Lua script run atomically by Redis: by its SHA1 once loaded, by its source after Redis
 * lost its script cache. `load` it at start so that commands sent on one connection run in
 * the order they were sent (a NOSCRIPT retry would let a later command overtake it).
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async load(redis: Redis): Promise<void> {
    await redis.script('LOAD', this.source);
  }

  async run(redis: Redis, keys: readonly string[], args: readonly ScriptArgument[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
