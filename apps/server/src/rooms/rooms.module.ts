import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { SessionRepository } from '../sessions/application/ports/session.repository';
import { SessionsModule } from '../sessions/sessions.module';
import { TokenService } from '../tokens/application/ports/token-service';
import { MessageDelivery } from './application/ports/message-delivery';
import { RoomRepository } from './application/ports/room.repository';
import { CreateRoom } from './application/create-room.use-case';
import { ListRooms } from './application/list-rooms.use-case';
import { LookupKdf } from './application/lookup-kdf.use-case';
import { RelayMessage } from './application/relay-message.use-case';

/** Room use cases, wired to the ports' adapters. */
@Module({
  imports: [SessionsModule],
  providers: [
    {
      provide: CreateRoom,
      inject: [RoomRepository, SessionRepository, TokenService, Clock, AppConfig],
      useFactory: (rooms: RoomRepository, sessions: SessionRepository, tokens: TokenService, clock: Clock, config: AppConfig) =>
        new CreateRoom(rooms, sessions, tokens, clock, {
          maxRooms: config.limits.maxRooms,
          maxRoomsPerAddress: config.perAddress.maxRoomsPerAddress,
          maxSessionsPerAddress: config.perAddress.maxSessionsPerAddress,
        }),
    },
    { provide: LookupKdf, inject: [RoomRepository], useFactory: (rooms: RoomRepository) => new LookupKdf(rooms) },
    {
      provide: ListRooms,
      inject: [RoomRepository, SessionRepository],
      useFactory: (rooms: RoomRepository, sessions: SessionRepository) => new ListRooms(rooms, sessions),
    },
    {
      provide: RelayMessage,
      inject: [MessageDelivery, Clock],
      useFactory: (delivery: MessageDelivery, clock: Clock) => new RelayMessage(delivery, clock),
    },
  ],
  exports: [CreateRoom, LookupKdf, ListRooms, RelayMessage],
})
export class RoomsModule {}
