import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ChatGateway } from './chat.gateway';
import { EngineAdmission } from './engine-admission';
import { GraceSweeper } from './grace-sweeper';
import { RoomEventsModule } from './room-events.module';

@Module({
  imports: [RoomsModule, SessionsModule, RoomEventsModule],
  providers: [ChatGateway, GraceSweeper, EngineAdmission],
  exports: [ChatGateway, EngineAdmission],
})
export class RealtimeModule {}
