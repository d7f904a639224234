import { Global, Module } from '@nestjs/common';
import { RoomRepository } from '../rooms/application/ports/room.repository';
import { InMemoryRoomRepository } from '../rooms/adapters/in-memory-room.repository';
import { SessionRepository } from '../sessions/application/ports/session.repository';
import { InMemorySessionRepository } from '../sessions/adapters/in-memory-session.repository';

/** Chooses the adapters behind the repository ports: in memory (the default; STORE=memory). */
@Global()
@Module({
  providers: [
    { provide: RoomRepository, useClass: InMemoryRoomRepository },
    { provide: SessionRepository, useClass: InMemorySessionRepository },
  ],
  exports: [RoomRepository, SessionRepository],
})
export class StoreModule {}
