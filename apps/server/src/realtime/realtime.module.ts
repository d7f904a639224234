import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ChatGateway } from './chat.gateway';
import { GraceSweeper } from './grace-sweeper';
import { RoomEventsModule } from './room-events.module';

@Module({
  imports: [RoomsModule, SessionsModule, RoomEventsModule],
  providers: [ChatGateway, GraceSweeper],
  exports: [ChatGateway],
})
export class RealtimeModule {}
