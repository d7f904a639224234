import type { Redis } from 'ioredis';
import { RedisMessageDelivery } from '../membership/adapters/redis-message-delivery';
import { RedisMessageReplay } from '../membership/adapters/redis-message-replay';
import { RedisRelayOrder } from '../membership/adapters/redis-relay-order';
import { RedisRoomRepository } from '../membership/adapters/redis-room.repository';
import { RedisSessionRepository } from '../membership/adapters/redis-session.repository';
import { DEFAULT_HOLD_LIMITS, type HoldLimits } from '../membership/domain/held-messages';
import { RecordingRoomSockets } from './recording-room-sockets';
import type { useRedisServer } from './use-redis-server';

/** Every script the Redis message adapters run (for useRedisServer). */
export const REDIS_MESSAGE_SCRIPTS = [
  ...RedisRoomRepository.scripts,
  ...RedisSessionRepository.scripts,
  ...RedisMessageDelivery.scripts,
  ...RedisMessageReplay.scripts,
  ...RedisRelayOrder.scripts,
];

/** One process's message adapters on an emptied Redis, wired as membership.providers.ts wires them, handing over to a recording RoomSockets. */
export interface RedisMessageRig {
  commands: Redis;
  subscriber: Redis;
  sockets: RecordingRoomSockets;
  order: RedisRelayOrder;
  delivery: RedisMessageDelivery;
  replay: RedisMessageReplay;
  rooms: RedisRoomRepository;
  sessions: RedisSessionRepository;
  /** Seqs the order reported unfilled, in the order reported. */
  unfilled: number[];
  /** Disconnects the subscriber. */
  close: () => void;
}

export async function redisMessageRig(redis: ReturnType<typeof useRedisServer>, limits: HoldLimits = DEFAULT_HOLD_LIMITS): Promise<RedisMessageRig> {
  const commands = await redis.fresh();
  const subscriber = redis.server().client();
  const sockets = new RecordingRoomSockets();
  const unfilled: number[] = [];
  const order = new RedisRelayOrder(commands, sockets, (count) => unfilled.push(count));
  const delivery = new RedisMessageDelivery(commands, subscriber, order, limits);
  await delivery.listen();
  const replay = new RedisMessageReplay(commands, order, limits);
  const rooms = new RedisRoomRepository(commands);
  const sessions = new RedisSessionRepository(commands, 'node-a');
  return { commands, subscriber, sockets, order, delivery, replay, rooms, sessions, unfilled, close: () => subscriber.disconnect() };
}
