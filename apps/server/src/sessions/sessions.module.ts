import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { RoomEvents } from '../rooms/application/ports/room-events';
import { RoomRepository } from '../rooms/application/ports/room.repository';
import { RoomEventsModule } from '../realtime/room-events.module';
import { TokenService } from '../tokens/application/ports/token-service';
import { SessionRepository } from './application/ports/session.repository';
import { AuthenticateSession } from './application/authenticate-session.use-case';
import { ConnectSession } from './application/connect-session.use-case';
import { DisconnectSocket } from './application/disconnect-socket.use-case';
import { EndSession } from './application/end-session.use-case';
import { ExpireAwaySessions } from './application/expire-away-sessions.use-case';
import { JoinRoom } from './application/join-room.use-case';
import { ReleaseOrphanedSessions } from './application/release-orphaned-sessions.use-case';
import { ResolveSpeaker } from './application/resolve-speaker.use-case';

const useCases = [
  AuthenticateSession,
  ConnectSession,
  DisconnectSocket,
  EndSession,
  ExpireAwaySessions,
  JoinRoom,
  ReleaseOrphanedSessions,
  ResolveSpeaker,
];

/** Session use cases, wired to the ports' adapters. */
@Module({
  imports: [RoomEventsModule],
  providers: [
    {
      provide: JoinRoom,
      inject: [RoomRepository, SessionRepository, TokenService, Clock, AppConfig],
      useFactory: (rooms: RoomRepository, sessions: SessionRepository, tokens: TokenService, clock: Clock, config: AppConfig) =>
        new JoinRoom(rooms, sessions, tokens, clock, {
          maxMembers: config.limits.maxMembersPerRoom,
          maxSessionsPerAddress: config.perAddress.maxSessionsPerAddress,
        }),
    },
    {
      provide: AuthenticateSession,
      inject: [TokenService, SessionRepository],
      useFactory: (tokens: TokenService, sessions: SessionRepository) => new AuthenticateSession(tokens, sessions),
    },
    {
      provide: ConnectSession,
      inject: [RoomRepository, SessionRepository, RoomEvents, Clock],
      useFactory: (rooms: RoomRepository, sessions: SessionRepository, events: RoomEvents, clock: Clock) =>
        new ConnectSession(rooms, sessions, events, clock),
    },
    {
      provide: DisconnectSocket,
      inject: [SessionRepository, RoomEvents, Clock],
      useFactory: (sessions: SessionRepository, events: RoomEvents, clock: Clock) => new DisconnectSocket(sessions, events, clock),
    },
    {
      provide: EndSession,
      inject: [RoomRepository, SessionRepository, RoomEvents, Clock],
      useFactory: (rooms: RoomRepository, sessions: SessionRepository, events: RoomEvents, clock: Clock) =>
        new EndSession(rooms, sessions, events, clock),
    },
    {
      provide: ExpireAwaySessions,
      inject: [SessionRepository, EndSession, Clock, AppConfig],
      useFactory: (sessions: SessionRepository, endSession: EndSession, clock: Clock, config: AppConfig) =>
        new ExpireAwaySessions(sessions, endSession, clock, config.limits.disconnectGraceMs),
    },
    {
      provide: ReleaseOrphanedSessions,
      inject: [SessionRepository, RoomEvents, Clock],
      useFactory: (sessions: SessionRepository, events: RoomEvents, clock: Clock) => new ReleaseOrphanedSessions(sessions, events, clock),
    },
    {
      provide: ResolveSpeaker,
      inject: [SessionRepository],
      useFactory: (sessions: SessionRepository) => new ResolveSpeaker(sessions),
    },
  ],
  exports: useCases,
})
export class SessionsModule {}
