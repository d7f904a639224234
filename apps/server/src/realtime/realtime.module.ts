import { Module } from '@nestjs/common';
import { MembershipModule } from '../membership/membership.module';
import { ChatConnections } from './chat-connections';
import { ChatGateway } from './chat.gateway';
import { EngineAdmission } from './engine-admission';
import { GraceSweeper } from './grace-sweeper';
import { SocketAttachment } from './socket-attachment';
import { SocketHandshake } from './socket-handshake';
import { SocketReport } from './socket-report';

/**
 * The real-time channel (/chat) and the sweeper of away sessions. Its adapters of membership's
 * ports (RoomEvents, RoomSockets) are bound at the composition root (realtime.providers.ts).
 */
@Module({
  imports: [MembershipModule],
  providers: [ChatGateway, ChatConnections, SocketHandshake, SocketAttachment, SocketReport, GraceSweeper, EngineAdmission],
  exports: [ChatGateway, EngineAdmission],
})
export class RealtimeModule {}
