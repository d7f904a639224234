import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { PinoLogger } from 'nestjs-pino';
import { LocalMessageDelivery } from '../realtime/local-message-delivery';
import { RedisMessageDelivery } from '../realtime/redis-message-delivery';
import { SocketMessageDelivery } from '../realtime/socket-message-delivery';
import { InMemoryRoomRepository } from '../rooms/adapters/in-memory-room.repository';
import { RedisRoomRepository } from '../rooms/adapters/redis-room.repository';
import { MessageDelivery } from '../rooms/application/ports/message-delivery';
import { RoomRepository } from '../rooms/application/ports/room.repository';
import { InMemorySessionRepository } from '../sessions/adapters/in-memory-session.repository';
import { RedisSessionRepository } from '../sessions/adapters/redis-session.repository';
import { SessionRepository } from '../sessions/application/ports/session.repository';
import { AttemptLog } from '../shared/attempt-log';
import { InMemoryAttemptLog } from '../shared/in-memory-attempt-log';
import { RedisAttemptLog } from './redis/redis-attempt-log';
import { RedisStore } from './redis/redis-store';
import { redisKeys } from './redis/redis-keys';
import { PrefixedThrottlerStorage, SharedRateLimits } from './shared-rate-limits';

const memory: Provider[] = [
  InMemoryRoomRepository,
  { provide: RoomRepository, useExisting: InMemoryRoomRepository },
  { provide: SessionRepository, useExisting: InMemorySessionRepository },
  { provide: AttemptLog, useClass: InMemoryAttemptLog },
  InMemorySessionRepository,
  {
    provide: SocketMessageDelivery,
    inject: [InMemorySessionRepository, InMemoryRoomRepository],
    useFactory: (sessions: InMemorySessionRepository, rooms: InMemoryRoomRepository) => new LocalMessageDelivery(sessions, rooms),
  },
  { provide: SharedRateLimits, useValue: new SharedRateLimits(undefined) },
];

/** Every script the Redis adapters run, loaded when the store connects. */
export const REDIS_SCRIPTS = [
  ...RedisRoomRepository.scripts,
  ...RedisSessionRepository.scripts,
  ...RedisMessageDelivery.scripts,
  ...RedisAttemptLog.scripts,
];

const redis = (store: RedisStore): Provider[] => [
  { provide: RedisStore, useValue: store },
  { provide: RedisRoomRepository, inject: [RedisStore], useFactory: (store: RedisStore) => new RedisRoomRepository(store.commands) },
  { provide: RoomRepository, useExisting: RedisRoomRepository },
  {
    provide: SessionRepository,
    inject: [RedisStore],
    useFactory: (store: RedisStore) => new RedisSessionRepository(store.commands, store.nodeId),
  },
  { provide: AttemptLog, inject: [RedisStore], useFactory: (store: RedisStore) => new RedisAttemptLog(store.commands) },
  {
    provide: SocketMessageDelivery,
    inject: [PinoLogger],
    useFactory: async (logger: PinoLogger) => {
      const delivery = new RedisMessageDelivery(store.commands, store.subscriber, (error) =>
        logger.error({ event: 'redis.unreadable', err: { message: (error as Error).message } }, 'a relayed message could not be read; dropped'),
      );
      await delivery.listen();
      return delivery;
    },
  },
  {
    provide: SharedRateLimits,
    inject: [RedisStore],
    useFactory: (store: RedisStore) =>
      new SharedRateLimits(new PrefixedThrottlerStorage(new ThrottlerStorageRedisService(store.commands), redisKeys.rateLimits)),
  },
];

/**
 * Chooses the adapters behind the store's ports: in this process's memory (the default,
 * STORE=memory) or, given a connected RedisStore (STORE=redis), in Redis shared by several
 * processes. The store connects before the application is built, so that a Redis that cannot
 * be reached stops the server with a clear message (main.ts).
 */
@Global()
@Module({})
export class StoreModule {
  static forRoot(store?: RedisStore): DynamicModule {
    return {
      module: StoreModule,
      providers: [...(store ? redis(store) : memory), { provide: MessageDelivery, useExisting: SocketMessageDelivery }],
      exports: [RoomRepository, SessionRepository, AttemptLog, SocketMessageDelivery, MessageDelivery, SharedRateLimits, ...(store ? [RedisStore] : [])],
    };
  }
}
