import { roomRepositoryContract } from '../../testing/room-repository-contract';
import { useRedisServer } from '../../testing/use-redis-server';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisRoomRepository } from './redis-room.repository';
import { aKdf, verifierFor } from '../../testing/membership-harness';
import { Room } from '../domain/room';

describe('RedisRoomRepository', () => {
  const redis = useRedisServer(RedisRoomRepository.scripts);

  roomRepositoryContract(async () => new RedisRoomRepository(await redis.fresh()));

  const lobby = () =>
    Room.open({ key: 'lobby', name: 'Lobby', creator: 'Alice', creatorAddress: '203.0.113.7', createdAt: 1, kdf: aKdf(), verifier: verifierFor('x') });

  it('counts a room under its address key in a set of its own, and keeps none of it once removed', async () => {
    const rooms = new RedisRoomRepository(await redis.fresh());
    await rooms.insert(lobby(), 10, 'lobby', { key: '2001:db8::/64', max: 2 });

    expect(await redis.redis().smembers(redisKeys.addressRooms('2001:db8::/64'))).toEqual(['lobby']);
    await rooms.remove('lobby');
    expect(await redis.redis().keys('*')).toEqual([]);
  });

  it('stores the hash of the verifier, never the verifier', async () => {
    const rooms = new RedisRoomRepository(await redis.fresh());
    await rooms.insert(lobby(), 10, 'lobby');

    const stored = await redis.redis().hgetall(redisKeys.room('lobby'));
    expect(JSON.stringify(stored)).not.toContain(verifierFor('x'));
    expect(Buffer.from(stored['verifierHash']!, 'base64url')).toHaveLength(32);
  });
});
