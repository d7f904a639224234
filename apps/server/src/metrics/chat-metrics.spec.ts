import { loadConfig } from '../config/app-config';
import { InMemoryRoomRepository } from '../membership/adapters/in-memory-room.repository';
import { Room } from '../membership/domain/room';
import { InMemorySessionRepository } from '../membership/adapters/in-memory-session.repository';
import { Session } from '../membership/domain/session';
import { nameSkeleton } from '../shared/name-skeleton';
import { ChatMetrics } from './chat-metrics';

const KDF = { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: Buffer.alloc(16, 7).toString('base64url') } as const;

function aRoom(name: string): Room {
  return Room.open({ key: name.toLowerCase(), name, creator: 'Alice', creatorAddress: '203.0.113.7', createdAt: 0, kdf: KDF, verifier: 'v'.repeat(43) });
}

function aSession(id: string, roomKey: string, name: string): Session {
  return Session.start({ id, roomKey, name, userKey: name.toLowerCase(), address: '203.0.113.7', creator: false, createdAt: 0, vault: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' });
}

/** The value of one sample in the text exposition, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ChatMetrics', () => {
  let rooms: InMemoryRoomRepository;
  let sessions: InMemorySessionRepository;
  let metrics: ChatMetrics;

  beforeEach(() => {
    rooms = new InMemoryRoomRepository();
    sessions = new InMemorySessionRepository();
    metrics = new ChatMetrics(loadConfig({}), rooms, sessions);
  });

  it('reads rooms and sessions by status from the stores at each scrape', async () => {
    await rooms.insert(aRoom('Lobby'), 10, nameSkeleton('Lobby'));
    await rooms.insert(aRoom('Attic'), 10, nameSkeleton('Attic'));
    const alice = aSession('s1', 'lobby', 'Alice');
    await sessions.insert(alice, 10, nameSkeleton(alice.name));
    await sessions.insert(aSession('s2', 'lobby', 'Bob'), 10, nameSkeleton('Bob'));
    await sessions.insert(aSession('s3', 'attic', 'Carol'), 10, nameSkeleton('Carol'));
    alice.attach('socket-1');
    await sessions.save(alice);

    const text = await metrics.render();

    expect(sample(text, 'ciphernest_rooms')).toBe(2);
    expect(sample(text, 'ciphernest_sessions{status="online"}')).toBe(1);
    expect(sample(text, 'ciphernest_sessions{status="away"}')).toBe(2);
  });

  it('follows the stores: a removed room is gone at the next scrape', async () => {
    await rooms.insert(aRoom('Lobby'), 10, nameSkeleton('Lobby'));
    expect(sample(await metrics.render(), 'ciphernest_rooms')).toBe(1);

    await rooms.remove('lobby');

    expect(sample(await metrics.render(), 'ciphernest_rooms')).toBe(0);
  });

  it('counts relayed messages and their bytes', async () => {
    metrics.messageRelayed(100);
    metrics.messageRelayed(28);

    const text = await metrics.render();

    expect(sample(text, 'ciphernest_messages_relayed_total')).toBe(2);
    expect(sample(text, 'ciphernest_relayed_bytes_total')).toBe(128);
  });

  it('counts rejections by code and channel', async () => {
    metrics.rejected('BAD_CREDENTIALS', 'http');
    metrics.rejected('BAD_CREDENTIALS', 'http');
    metrics.rejected('IP_MISMATCH', 'handshake');

    const text = await metrics.render();

    expect(sample(text, 'ciphernest_rejections_total{code="BAD_CREDENTIALS",channel="http"}')).toBe(2);
    expect(sample(text, 'ciphernest_rejections_total{code="IP_MISMATCH",channel="handshake"}')).toBe(1);
  });

  it('counts slow consumers and join lockouts, from 0', async () => {
    expect(sample(await metrics.render(), 'ciphernest_slow_consumers_total')).toBe(0);
    expect(sample(await metrics.render(), 'ciphernest_join_lockouts_total')).toBe(0);

    metrics.slowConsumer();
    metrics.joinLockedOut();
    metrics.joinLockedOut();

    const text = await metrics.render();
    expect(sample(text, 'ciphernest_slow_consumers_total')).toBe(1);
    expect(sample(text, 'ciphernest_join_lockouts_total')).toBe(2);
  });

  it('has no Redis metrics without Redis (STORE=memory), and counts nothing when told of a Redis error', async () => {
    metrics.redisError();

    expect(await metrics.render()).not.toContain('ciphernest_redis_');
  });

  it('adds the process metrics, event-loop lag among them, only when METRICS_TOKEN is set', async () => {
    expect(await metrics.render()).not.toContain('nodejs_eventloop_lag_seconds');

    const served = new ChatMetrics(loadConfig({ METRICS_TOKEN: 'a-long-random-metrics-token' }), rooms, sessions);

    expect(await served.render()).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('keeps each instance apart: two servers in one process share no counter', async () => {
    const other = new ChatMetrics(loadConfig({}), rooms, sessions);
    other.messageRelayed(10);

    expect(sample(await metrics.render(), 'ciphernest_messages_relayed_total')).toBe(0);
  });
});
