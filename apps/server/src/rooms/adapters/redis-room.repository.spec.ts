import { roomRepositoryContract } from '../../testing/room-repository-contract';
import { useRedisServer } from '../../testing/redis-test-store';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisRoomRepository } from './redis-room.repository';
import { aKdf, verifierFor } from '../../testing/membership-harness';
import { Room } from '../domain/room';

describe('RedisRoomRepository', () => {
  const redis = useRedisServer(RedisRoomRepository.scripts);

  roomRepositoryContract(async () => new RedisRoomRepository(await redis.fresh()));

  const lobby = () =>
    Room.open({ key: 'lobby', name: 'Lobby', creator: 'Alice', creatorAddress: '203.0.113.7', createdAt: 1, kdf: aKdf(), verifier: verifierFor('x') });

  it('keeps no key of a removed room behind', async () => {
    const rooms = new RedisRoomRepository(await redis.fresh());
    await rooms.insert(lobby(), 10);
    await rooms.acceptMessage('lobby', 'AAAAAAAAAAAAAAAAAAAAAA', 1_000);
    await rooms.remove('lobby');

    expect(await redis.redis().keys('*')).toEqual([]);
  });

  it('stores the hash of the verifier, never the verifier', async () => {
    const rooms = new RedisRoomRepository(await redis.fresh());
    await rooms.insert(lobby(), 10);

    const stored = await redis.redis().hgetall(redisKeys.room('lobby'));
    expect(JSON.stringify(stored)).not.toContain(verifierFor('x'));
    expect(Buffer.from(stored['verifierHash']!, 'base64url')).toHaveLength(32);
  });

  it('publishes a fresh message with its stamp in the same step, and a repeat not at all', async () => {
    const rooms = new RedisRoomRepository(await redis.fresh());
    await rooms.insert(lobby(), 10);
    const subscriber = redis.server().client();
    const received: Buffer[] = [];
    subscriber.on('messageBuffer', (_channel: Buffer, payload: Buffer) => received.push(payload));
    await subscriber.subscribe('test-channel');
    const box = Buffer.from([0, 10, 255, 10, 1]);
    const publication = { channel: 'test-channel', meta: '{"r":"lobby"}', box };

    await rooms.acceptAndPublish('lobby', 'AAAAAAAAAAAAAAAAAAAAAA', 1_000, publication);
    await rooms.acceptAndPublish('lobby', 'AAAAAAAAAAAAAAAAAAAAAA', 1_001, publication);
    await redis.redis().publish('test-channel', 'end');
    await new Promise<void>((resolve) => subscriber.on('messageBuffer', (_c: Buffer, p: Buffer) => p.toString() === 'end' && resolve()));
    subscriber.disconnect();

    expect(received[0]).toEqual(Buffer.concat([Buffer.from('1\n1000\n{"r":"lobby"}\n'), box]));
    expect(received.slice(1).map(String)).toEqual(['end']);
  });
});
