import { RedisServer } from '../../testing/redis-server';
import { useRedisServer } from '../../testing/use-redis-server';
import { ConfigError } from '../../config/app-config';
import { redisKeys } from './redis-keys';
import { NODE_TTL_MS, RedisStore, redactRedisUrl } from './redis-store';

describe('RedisStore', () => {
  const redis = useRedisServer();
  const open: RedisStore[] = [];

  async function connect(): Promise<RedisStore> {
    const store = await RedisStore.connect(redis.server().url);
    open.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  it('registers the process with a heartbeat that expires unless refreshed', async () => {
    await redis.fresh();
    const store = await connect();

    expect(await redis.redis().sismember(redisKeys.nodes, store.nodeId)).toBe(1);
    expect(await redis.redis().pttl(redisKeys.node(store.nodeId))).toBeGreaterThan(0);
  });

  it('forgets everything CipherNest held when it starts with no other process alive', async () => {
    await redis.fresh();
    await redis.redis().set(redisKeys.room('left-over'), 'x');
    await redis.redis().hset(redisKeys.roomHeld('left-over'), '1', 'a held message');
    await redis.redis().hset(redisKeys.heldTotals, 'bytes', '270');
    await redis.redis().set(`{${redisKeys.rateLimits}creates:203.0.113.7:creates}:hits`, '3');
    await redis.redis().set('someone-else', 'kept');

    await connect();

    expect(await redis.redis().exists(redisKeys.room('left-over'), redisKeys.roomHeld('left-over'), redisKeys.heldTotals)).toBe(0);
    expect(await redis.redis().keys('{*')).toEqual([]);
    expect(await redis.redis().get('someone-else')).toBe('kept');
  });

  it('keeps the state and the token secret of a live deployment when a process joins it', async () => {
    await redis.fresh();
    const first = await connect();
    await redis.redis().set(redisKeys.room('lobby'), 'x');

    const second = await connect();

    expect(await redis.redis().exists(redisKeys.room('lobby'))).toBe(1);
    expect(second.tokenSecret('a'.repeat(32))).toEqual(first.tokenSecret('a'.repeat(32)));
  });

  it('derives a new token secret after a cold start, from the same TOKEN_SECRET', async () => {
    await redis.fresh();
    const before = (await connect()).tokenSecret('a'.repeat(32));
    await Promise.all(open.splice(0).map((store) => store.close()));

    const after = (await connect()).tokenSecret('a'.repeat(32));

    expect(after).not.toEqual(before);
  });

  it('shares one random log key (LOG_IP=hashed) among the processes of a live deployment', async () => {
    await redis.fresh();
    const first = await connect();
    const second = await connect();

    expect(first.logAddressKey()).toHaveLength(32);
    expect(second.logAddressKey()).toEqual(first.logAddressKey());
  });

  it('makes a new log key at a cold start', async () => {
    await redis.fresh();
    const before = (await connect()).logAddressKey();
    await Promise.all(open.splice(0).map((store) => store.close()));

    const after = (await connect()).logAddressKey();

    expect(after).toHaveLength(32);
    expect(after).not.toEqual(before);
  });

  it('removes its heartbeat when it closes, so the others release its sessions at once', async () => {
    await redis.fresh();
    const store = await connect();
    await store.close();
    open.splice(0);

    expect(await redis.redis().exists(redisKeys.node(store.nodeId))).toBe(0);
  });

  it('says it lapsed when its heartbeat had expired', async () => {
    await redis.fresh();
    const store = await connect();
    const lapsed = new Promise<void>((resolve) => store.once('lapsed', resolve));

    await redis.redis().del(redisKeys.node(store.nodeId));

    await expect(lapsed).resolves.toBeUndefined();
  });

  it('says it lapsed when Redis stays out of reach for as long as its heartbeat would live', async () => {
    const doomed = await RedisServer.start();
    const store = await RedisStore.connect(doomed.url);
    const lapsed = new Promise<number>((resolve) => store.once('lapsed', () => resolve(Date.now())));
    const stoppedAt = Date.now();

    await doomed.stop();

    expect((await lapsed) - stoppedAt).toBeGreaterThanOrEqual(NODE_TTL_MS - 1_000);
    store.commands.disconnect();
    store.subscriber.disconnect();
  }, 15_000);

  it('refuses to start on a Redis it cannot reach, naming REDIS_URL without its password', async () => {
    const attempt = RedisStore.connect('redis://:hunter2@127.0.0.1:1');

    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/REDIS_URL/);
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it('hides the password of a Redis URL', () => {
    expect(redactRedisUrl('redis://user:secret@redis:6379/2')).toBe('redis://user:***@redis:6379/2');
    expect(redactRedisUrl('not a url')).not.toContain('not a url');
  });
});
