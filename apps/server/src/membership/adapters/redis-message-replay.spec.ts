import { messageReplayContract } from '../../testing/message-replay-contract';
import { REDIS_MESSAGE_SCRIPTS, redisMessageRig, type RedisMessageRig } from '../../testing/redis-message-rig';
import { addMember, openRoom } from '../../testing/room-members';
import { useRedisServer } from '../../testing/use-redis-server';
import { redisKeys } from '../../store/redis/redis-keys';
import { DEFAULT_HOLD_LIMITS } from '../domain/held-messages';

const BOX = Buffer.alloc(40, 7);

describe('RedisMessageReplay', () => {
  const redis = useRedisServer(REDIS_MESSAGE_SCRIPTS);
  let rig: RedisMessageRig | undefined;

  afterEach(() => {
    rig?.close();
    rig = undefined;
  });

  messageReplayContract(async (limits) => redisMessageRig(redis, limits));

  async function lobbyWithAlice(): Promise<RedisMessageRig> {
    rig = await redisMessageRig(redis, { ...DEFAULT_HOLD_LIMITS, holdMs: 1_000 });
    await openRoom(rig.rooms, 'Lobby');
    await addMember(rig.sessions, 'Alice', 'lobby', 'alice-socket');
    return rig;
  }

  const from = (id: string) => ({ sessionId: 'lobby-Alice', roomKey: 'lobby', senderSocketId: 'alice-socket', id, box: BOX });

  it('forgets the deployment\'s entries of messages no longer held as they expire', async () => {
    const { delivery, replay } = await lobbyWithAlice();
    await delivery.deliver(from('AAAAAAAAAAAAAAAAAAAAAA'), 1_000);
    await delivery.deliver(from('BBBBBBBBBBBBBBBBBBBBBB'), 1_500);

    await replay.forgetExpired(2_499);

    expect(await redis.redis().llen(redisKeys.heldOrder)).toBe(1);
    expect(await redis.redis().llen(redisKeys.roomHeldOrder('lobby'))).toBe(1);
    expect(await redis.redis().hkeys(redisKeys.roomHeld('lobby'))).toEqual(['2']);
  });
});
