import type { Provider } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import type { HoldLimits } from './domain/held-messages';
import type { RedisStore } from '../store/redis/redis-store';
import { InMemoryAttemptLog } from './adapters/in-memory-attempt-log';
import { InMemoryRoomRepository } from './adapters/in-memory-room.repository';
import { InMemorySessionRepository } from './adapters/in-memory-session.repository';
import { LocalMessageDelivery } from './adapters/local-message-delivery';
import { LocalMessageReplay } from './adapters/local-message-replay';
import { RedisAttemptLog } from './adapters/redis-attempt-log';
import { RedisMessageDelivery } from './adapters/redis-message-delivery';
import { RedisMessageReplay } from './adapters/redis-message-replay';
import { RedisRelayOrder } from './adapters/redis-relay-order';
import { RedisRoomRepository } from './adapters/redis-room.repository';
import { RedisSessionRepository } from './adapters/redis-session.repository';
import { AttemptLog } from './application/ports/attempt-log';
import { MessageDelivery } from './application/ports/message-delivery';
import { MessageReplay } from './application/ports/message-replay';
import { RoomRepository } from './application/ports/room.repository';
import { RoomSockets } from './application/ports/room-sockets';
import { SessionRepository } from './application/ports/session.repository';

/** The ports of membership that the store implements (RoomEvents and RoomSockets are the real-time adapter's). */
export const MEMBERSHIP_STORE_PORTS = [RoomRepository, SessionRepository, AttemptLog, MessageDelivery, MessageReplay];

/** REPLAY_MS, REPLAY_MAX_BYTES and REPLAY_MAX_TOTAL_BYTES (docs/protocol.md §5.1, §7). */
export function holdLimits({ limits }: AppConfig): HoldLimits {
  return { holdMs: limits.replayMs, roomBytes: limits.replayMaxBytes, totalBytes: limits.replayMaxTotalBytes };
}

/** Every script the Redis adapters run, loaded when the store connects. */
export const MEMBERSHIP_REDIS_SCRIPTS = [
  ...RedisRoomRepository.scripts,
  ...RedisSessionRepository.scripts,
  ...RedisMessageDelivery.scripts,
  ...RedisMessageReplay.scripts,
  ...RedisRelayOrder.scripts,
  ...RedisAttemptLog.scripts,
];

/**
 * STORE=memory: everything in this process. The delivery reads the very repositories the use
 * cases write, synchronously, so a message costs no promise.
 */
export function inMemoryMembershipAdapters(): Provider[] {
  return [
    { provide: InMemoryRoomRepository, inject: [AppConfig], useFactory: (config: AppConfig) => new InMemoryRoomRepository(holdLimits(config)) },
    {
      provide: InMemorySessionRepository,
      inject: [InMemoryRoomRepository],
      useFactory: (rooms: InMemoryRoomRepository) => new InMemorySessionRepository((roomKey) => rooms.latestSeq(roomKey) ?? 0),
    },
    { provide: RoomRepository, useExisting: InMemoryRoomRepository },
    { provide: SessionRepository, useExisting: InMemorySessionRepository },
    { provide: AttemptLog, useClass: InMemoryAttemptLog },
    {
      provide: MessageDelivery,
      inject: [InMemorySessionRepository, InMemoryRoomRepository, RoomSockets],
      useFactory: (sessions: InMemorySessionRepository, rooms: InMemoryRoomRepository, sockets: RoomSockets) => new LocalMessageDelivery(sessions, rooms, sockets),
    },
    { provide: MessageReplay, inject: [InMemoryRoomRepository], useFactory: (rooms: InMemoryRoomRepository) => new LocalMessageReplay(rooms) },
  ];
}

/**
 * STORE=redis: shared by every process of the deployment through the connected store. The
 * delivery subscribes before the server accepts its first message; it and the replay share this
 * process's RedisRelayOrder (the rooms it hosts, kept gap-free). Held messages count toward
 * REPLAY_MAX_TOTAL_BYTES per deployment.
 */
export function redisMembershipAdapters(store: RedisStore): Provider[] {
  return [
    { provide: RoomRepository, useFactory: () => new RedisRoomRepository(store.commands) },
    { provide: SessionRepository, useFactory: () => new RedisSessionRepository(store.commands, store.nodeId) },
    { provide: AttemptLog, useFactory: () => new RedisAttemptLog(store.commands) },
    {
      provide: RedisRelayOrder,
      inject: [RoomSockets, PinoLogger],
      useFactory: (sockets: RoomSockets, logger: PinoLogger) =>
        new RedisRelayOrder(store.commands, sockets, (count, error) =>
          logger.warn({ event: 'redis.gap_unfilled', count, err: error === undefined ? undefined : { message: (error as Error).message } }, 'messages missed on Pub/Sub were no longer held'),
        ),
    },
    {
      provide: MessageReplay,
      inject: [RedisRelayOrder, AppConfig],
      useFactory: (order: RedisRelayOrder, config: AppConfig) => new RedisMessageReplay(store.commands, order, holdLimits(config)),
    },
    {
      provide: MessageDelivery,
      inject: [RedisRelayOrder, AppConfig, PinoLogger],
      useFactory: async (order: RedisRelayOrder, config: AppConfig, logger: PinoLogger) => {
        const delivery = new RedisMessageDelivery(store.commands, store.subscriber, order, holdLimits(config), (error) =>
          logger.error({ event: 'redis.unreadable', err: { message: (error as Error).message } }, 'a relayed message could not be read; dropped'),
        );
        await delivery.listen();
        return delivery;
      },
    },
  ];
}
