import type { Redis } from 'ioredis';
import type { RedisScript } from '../store/redis/redis-script';
import { RedisServer } from './redis-server';

/**
 * A real redis-server for one spec file: started before its tests, emptied before each, stopped
 * after them. `redis()` is a client with the given scripts loaded.
 */
export function useRedisServer(scripts: readonly RedisScript[] = []): { redis: () => Redis; server: () => RedisServer; fresh: () => Promise<Redis> } {
  let server: RedisServer | undefined;
  let client: Redis | undefined;

  beforeAll(async () => {
    server = await RedisServer.start();
    client = server.client();
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  const redis = (): Redis => {
    if (!client) throw new Error('the Redis server has not started');
    return client;
  };

  return {
    redis,
    server: () => {
      if (!server) throw new Error('the Redis server has not started');
      return server;
    },
    /** Empties Redis and loads the scripts again (FLUSHALL keeps them, SCRIPT FLUSH would not). */
    fresh: async () => {
      await redis().flushall();
      await Promise.all(scripts.map((script) => script.load(redis())));
      return redis();
    },
  };
}
