import { sessionRepositoryContract } from '../../testing/session-repository-contract';
import { useRedisServer } from '../../testing/use-redis-server';
import { redisKeys } from '../../store/redis/redis-keys';
import { Session } from '../domain/session';
import { RedisSessionRepository } from './redis-session.repository';

const CREATED_AT = 1_700_000_000_000;

function aSession(id: string): Session {
  return Session.start({ id, roomKey: 'lobby', name: id, userKey: id.toLowerCase(), address: '203.0.113.7', creator: false, createdAt: CREATED_AT, vault: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' });
}

describe('RedisSessionRepository', () => {
  const redis = useRedisServer(RedisSessionRepository.scripts);

  sessionRepositoryContract(async () => new RedisSessionRepository(await redis.fresh(), 'node-a'));

  /** Two processes on one Redis, each with its heartbeat key. */
  async function twoProcesses() {
    const client = await redis.fresh();
    for (const node of ['node-a', 'node-b']) {
      await client.sadd(redisKeys.nodes, node);
      await client.set(redisKeys.node(node), '1', 'PX', 60_000);
    }
    return { a: new RedisSessionRepository(client, 'node-a'), b: new RedisSessionRepository(client, 'node-b'), client };
  }

  it('refuses to save a stale copy once another copy was saved, and keeps the newer change', async () => {
    const { a, b } = await twoProcesses();
    await a.insert(aSession('Alice'), 10, 'alice');
    const onA = (await a.get('Alice'))!;
    const onB = (await b.get('Alice'))!;
    onB.attach('socket-on-b');
    await b.save(onB);
    onA.attach('socket-on-a');

    expect(await a.save(onA)).toBe(false);
    expect((await a.get('Alice'))?.socketId).toBe('socket-on-b');
  });

  it('saves a change redone on a fresh copy after a conflict', async () => {
    const { a, b } = await twoProcesses();
    await a.insert(aSession('Alice'), 10, 'alice');
    const stale = (await a.get('Alice'))!;
    const onB = (await b.get('Alice'))!;
    onB.attach('socket-on-b');
    await b.save(onB);
    stale.attach('socket-on-a');
    await a.save(stale);

    const fresh = (await a.get('Alice'))!;
    expect(fresh.attach('socket-on-a')).toEqual({ kind: 'replaced', previousSocketId: 'socket-on-b' });
    expect(await a.save(fresh)).toBe(true);
  });

  it('refuses to save a session it never handed out', async () => {
    const { a } = await twoProcesses();
    await a.insert(aSession('Alice'), 10, 'alice');

    expect(await a.save(aSession('Alice'))).toBe(false);
  });

  it('releases the sessions of a process whose heartbeat expired: away from now, once', async () => {
    const { a, b, client } = await twoProcesses();
    const alice = aSession('Alice');
    const bob = aSession('Bob');
    await a.insert(alice, 10, 'alice');
    await a.insert(bob, 10, 'bob');
    alice.attach('socket-on-a');
    await a.save(alice);
    const bobOnB = (await b.get('Bob'))!;
    bobOnB.attach('socket-on-b');
    await b.save(bobOnB);
    await client.del(redisKeys.node('node-a'));

    const released = await b.releaseOrphans(CREATED_AT + 7_000);

    expect(released.map((session) => session.id)).toEqual(['Alice']);
    expect((await a.get('Alice'))?.snapshot().awayFrom).toBe(CREATED_AT + 7_000);
    expect((await a.get('Bob'))?.status).toBe('online');
    expect(await b.releaseOrphans(CREATED_AT + 8_000)).toEqual([]);
    expect((await b.outstayed(CREATED_AT + 17_000, 10_000)).map((session) => session.id)).toEqual(['Alice']);
  });

  it('does not release a session that moved to a live process before its old one died', async () => {
    const { a, b, client } = await twoProcesses();
    const alice = aSession('Alice');
    await a.insert(alice, 10, 'alice');
    alice.attach('socket-on-a');
    await a.save(alice);
    const moved = (await b.get('Alice'))!;
    moved.attach('socket-on-b');
    await b.save(moved);
    await client.del(redisKeys.node('node-a'));

    expect(await b.releaseOrphans(CREATED_AT + 7_000)).toEqual([]);
    expect((await b.get('Alice'))?.socketId).toBe('socket-on-b');
  });

  it('keeps no key of a removed session behind but the room-wide indexes', async () => {
    const { a, client } = await twoProcesses();
    const alice = aSession('Alice');
    await a.insert(alice, 10, 'alice');
    alice.attach('socket-on-a');
    await a.save(alice);
    await a.remove('Alice');

    expect((await client.keys('*')).sort()).toEqual([redisKeys.node('node-a'), redisKeys.node('node-b'), redisKeys.nodes].sort());
  });

  it('counts a session under its address key in a set of its own, and keeps none of it once the session timed out', async () => {
    const { a, client } = await twoProcesses();
    await a.insert(aSession('Alice'), 10, 'alice', { key: '2001:db8::/64', max: 2 });
    expect(await client.smembers(redisKeys.addressSessions('2001:db8::/64'))).toEqual(['Alice']);

    await a.remove('Alice', { now: CREATED_AT + 10_000, graceMs: 10_000 });

    expect((await client.keys('*')).sort()).toEqual([redisKeys.node('node-a'), redisKeys.node('node-b'), redisKeys.nodes].sort());
  });
});
