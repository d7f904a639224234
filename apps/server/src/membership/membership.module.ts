import { Module, type FactoryProvider } from '@nestjs/common';
import { FAILED_JOIN_WINDOW_MS } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { Clock } from '../shared/clock';
import { TokenService } from '../tokens/application/ports/token-service';
import { AcceptReceipt } from './application/accept-receipt.use-case';
import { AuthenticateSession } from './application/authenticate-session.use-case';
import { ConnectSession } from './application/connect-session.use-case';
import { CreateRoom, type CreateRoomLimits } from './application/create-room.use-case';
import { DisconnectSocket } from './application/disconnect-socket.use-case';
import { EndSession } from './application/end-session.use-case';
import { ExpireAwaySessions } from './application/expire-away-sessions.use-case';
import { FailedJoinLimiter } from './application/failed-join-limiter';
import { JoinRoom, type JoinRoomLimits } from './application/join-room.use-case';
import { ListRooms } from './application/list-rooms.use-case';
import { LookupKdf } from './application/lookup-kdf.use-case';
import { AttemptLog } from './application/ports/attempt-log';
import { MessageDelivery } from './application/ports/message-delivery';
import { RoomEvents } from './application/ports/room-events';
import { RoomRepository } from './application/ports/room.repository';
import { SessionRepository } from './application/ports/session.repository';
import { RelayMessage } from './application/relay-message.use-case';
import { ReleaseOrphanedSessions } from './application/release-orphaned-sessions.use-case';
import { ResolveSpeaker } from './application/resolve-speaker.use-case';
import { MessageReplay } from './application/ports/message-replay';
import { RoomSockets } from './application/ports/room-sockets';
import { ResumeSocket } from './application/resume-socket.use-case';

function createRoomLimits({ limits, perAddress }: AppConfig): CreateRoomLimits {
  return { maxRooms: limits.maxRooms, maxRoomsPerAddress: perAddress.maxRoomsPerAddress, maxSessionsPerAddress: perAddress.maxSessionsPerAddress };
}

function joinRoomLimits({ limits, perAddress }: AppConfig): JoinRoomLimits {
  return { maxMembers: limits.maxMembersPerRoom, maxSessionsPerAddress: perAddress.maxSessionsPerAddress };
}

const useCases: FactoryProvider[] = [
  {
    provide: CreateRoom,
    inject: [RoomRepository, SessionRepository, TokenService, Clock, AppConfig],
    useFactory: (rooms: RoomRepository, sessions: SessionRepository, tokens: TokenService, clock: Clock, config: AppConfig) =>
      new CreateRoom(rooms, sessions, tokens, clock, createRoomLimits(config)),
  },
  {
    provide: JoinRoom,
    inject: [RoomRepository, SessionRepository, TokenService, Clock, AppConfig],
    useFactory: (rooms: RoomRepository, sessions: SessionRepository, tokens: TokenService, clock: Clock, config: AppConfig) =>
      new JoinRoom(rooms, sessions, tokens, clock, joinRoomLimits(config)),
  },
  { provide: LookupKdf, inject: [RoomRepository], useFactory: (rooms: RoomRepository) => new LookupKdf(rooms) },
  {
    provide: ListRooms,
    inject: [RoomRepository, SessionRepository],
    useFactory: (rooms: RoomRepository, sessions: SessionRepository) => new ListRooms(rooms, sessions),
  },
  {
    provide: AuthenticateSession,
    inject: [TokenService, SessionRepository],
    useFactory: (tokens: TokenService, sessions: SessionRepository) => new AuthenticateSession(tokens, sessions),
  },
  {
    provide: ConnectSession,
    inject: [RoomRepository, SessionRepository, RoomEvents, Clock],
    useFactory: (rooms: RoomRepository, sessions: SessionRepository, events: RoomEvents, clock: Clock) => new ConnectSession(rooms, sessions, events, clock),
  },
  {
    provide: DisconnectSocket,
    inject: [SessionRepository, RoomEvents, Clock],
    useFactory: (sessions: SessionRepository, events: RoomEvents, clock: Clock) => new DisconnectSocket(sessions, events, clock),
  },
  {
    provide: EndSession,
    inject: [RoomRepository, SessionRepository, RoomEvents, Clock],
    useFactory: (rooms: RoomRepository, sessions: SessionRepository, events: RoomEvents, clock: Clock) => new EndSession(rooms, sessions, events, clock),
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
  { provide: ResolveSpeaker, inject: [SessionRepository], useFactory: (sessions: SessionRepository) => new ResolveSpeaker(sessions) },
  {
    provide: RelayMessage,
    inject: [MessageDelivery, Clock],
    useFactory: (delivery: MessageDelivery, clock: Clock) => new RelayMessage(delivery, clock),
  },
  {
    provide: AcceptReceipt,
    inject: [SessionRepository, MessageReplay],
    useFactory: (sessions: SessionRepository, replays: MessageReplay) => new AcceptReceipt(sessions, replays),
  },
  {
    provide: ResumeSocket,
    inject: [MessageReplay, RoomSockets, Clock],
    useFactory: (replays: MessageReplay, sockets: RoomSockets, clock: Clock) => new ResumeSocket(replays, sockets, clock),
  },
  {
    provide: FailedJoinLimiter,
    inject: [AppConfig, Clock, AttemptLog],
    useFactory: (config: AppConfig, clock: Clock, attempts: AttemptLog) =>
      new FailedJoinLimiter(config.limits.rateFailedJoinsPerMin, FAILED_JOIN_WINDOW_MS, clock, attempts),
  },
];

/**
 * Rooms, sessions and their rules: the use cases, wired to membership's ports. The adapters
 * behind the ports are not chosen here: the composition root (app.module.ts) binds them, from
 * membership.providers.ts (the store's) and realtime.providers.ts (RoomEvents, RoomSockets).
 */
@Module({
  providers: useCases,
  exports: useCases.map((provider) => provider.provide),
})
export class MembershipModule {}
