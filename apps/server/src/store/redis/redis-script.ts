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

  /** Runs the script; its strings come back as JavaScript strings (UTF-8). */
  run(redis: Redis, keys: readonly string[], args: readonly ScriptArgument[]): Promise<unknown> {
    return this.runWith(
      () => redis.evalsha(this.sha, keys.length, ...keys, ...args),
      () => redis.eval(this.source, keys.length, ...keys, ...args),
    );
  }

  /** Runs the script; its strings come back as Buffers, for replies that carry binary data. */
  runForBuffers(redis: Redis, keys: readonly string[], args: readonly ScriptArgument[]): Promise<unknown> {
    return this.runWith(
      () => redis.callBuffer('EVALSHA', this.sha, keys.length, ...keys, ...args),
      () => redis.callBuffer('EVAL', this.source, keys.length, ...keys, ...args),
    );
  }

  private async runWith(bySha: () => Promise<unknown>, bySource: () => Promise<unknown>): Promise<unknown> {
    try {
      return await bySha();
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return bySource();
    }
  }
}
