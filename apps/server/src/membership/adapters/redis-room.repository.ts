import type { Redis } from 'ioredis';
import type { Kdf } from '@ciphernest/protocol';
import { Room } from '../domain/room';
import { RoomRepository, type RoomInsertion } from '../application/ports/room.repository';
import type { AddressQuota } from '../domain/address-quota';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisScript } from '../../store/redis/redis-script';

/**
 * ARGV: maxRooms, key, skeleton, then the creator's address key ('' for none), how many rooms it
 * may hold and the prefix of its set of rooms (RoomRepository.insert), then the room's fields.
 * KEYS[3] maps each room's skeleton to its key.
 */
const INSERT = new RedisScript(`
local holder, maxHeld = ARGV[4], tonumber(ARGV[5])
local held = ARGV[6] .. holder
if holder ~= '' and redis.call('SCARD', held) >= maxHeld then return 'address-full' end
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('HEXISTS', KEYS[3], ARGV[3]) == 1 then return 'exists' end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 'full' end
redis.call('HSET', KEYS[1], 'holder', holder, 'skeleton', ARGV[3], unpack(ARGV, 7))
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
if holder ~= '' then redis.call('SADD', held, ARGV[2]) end
return 'inserted'
`);

/**
 * Deletes a room with everything held for it (docs/protocol.md §6): KEYS[1..3] and [6..7] go (the
 * room, its ids, their order, its held messages and their order), its key leaves KEYS[4], its
 * skeleton KEYS[5] and its holder's set; the deployment's held bytes (KEYS[8]) drop by the room's
 * heldBytes, so they stay true (the deployment's order skips the room's entries from then on).
 */
const REMOVE = new RedisScript(`
local f = redis.call('HMGET', KEYS[1], 'holder', 'skeleton', 'heldBytes')
local holder, skeleton, heldBytes = f[1], f[2], tonumber(f[3])
local removed = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[6], KEYS[7])
if heldBytes and heldBytes ~= 0 then redis.call('HINCRBY', KEYS[8], 'bytes', -heldBytes) end
redis.call('SREM', KEYS[4], ARGV[1])
if holder and holder ~= '' then redis.call('SREM', ARGV[2] .. holder, ARGV[1]) end
if skeleton and redis.call('HGET', KEYS[5], skeleton) == ARGV[1] then redis.call('HDEL', KEYS[5], skeleton) end
return removed
`);

/**
 * Rooms in Redis (STORE=redis), shared by every server process: a hash per room, a set of
 * room keys, a hash of their names' skeletons, per creator address key the set of its rooms,
 * and per room the ids it remembers and the messages held for resuming (RedisMessageDelivery
 * holds them, RedisMessageReplay reads them). Every change is one atomic script.
 * Security: holds verifier hashes and kdf salts; held messages are opaque ciphertext, in memory.
 */
export class RedisRoomRepository extends RoomRepository {
  static readonly scripts = [INSERT, REMOVE];

  constructor(private readonly redis: Redis) {
    super();
  }

  async insert(room: Room, maxRooms: number, skeleton: string, quota?: AddressQuota): Promise<RoomInsertion> {
    const { key, name, creator, creatorAddress, createdAt, kdf, verifierHash } = room.snapshot();
    const fields = ['name', name, 'creator', creator, 'creatorAddress', creatorAddress, 'createdAt', createdAt];
    fields.push('kdf', JSON.stringify(kdf), 'verifierHash', verifierHash, 'seq', 0);
    const keys = [redisKeys.room(key), redisKeys.rooms, redisKeys.roomSkeletons];
    const holding = [quota?.key ?? '', quota?.max ?? 0, redisKeys.addressRooms('')];
    return (await INSERT.run(this.redis, keys, [maxRooms, key, skeleton, ...holding, ...fields])) as RoomInsertion;
  }

  async get(key: string): Promise<Room | undefined> {
    return restore(key, await this.redis.hgetall(redisKeys.room(key)));
  }

  async remove(key: string): Promise<boolean> {
    const keys = [redisKeys.room(key), redisKeys.roomIds(key), redisKeys.roomIdOrder(key), redisKeys.rooms, redisKeys.roomSkeletons];
    keys.push(redisKeys.roomHeld(key), redisKeys.roomHeldOrder(key), redisKeys.heldTotals);
    return (await REMOVE.run(this.redis, keys, [key, redisKeys.addressRooms('')])) === 1;
  }

  async list(): Promise<Room[]> {
    const keys = await this.redis.smembers(redisKeys.rooms);
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hgetall(redisKeys.room(key));
    const replies = (await pipeline.exec()) ?? [];
    return keys.flatMap((key, n) => restore(key, replies[n]?.[1] as Record<string, string> | undefined) ?? []);
  }
}

function restore(key: string, hash: Record<string, string> | undefined): Room | undefined {
  if (!hash || hash['name'] === undefined) return undefined;
  return Room.restore({
    key,
    name: hash['name'],
    creator: hash['creator'] ?? '',
    creatorAddress: hash['creatorAddress'] ?? '',
    createdAt: Number(hash['createdAt']),
    kdf: JSON.parse(hash['kdf'] ?? '{}') as Kdf,
    verifierHash: hash['verifierHash'] ?? '',
  });
}
