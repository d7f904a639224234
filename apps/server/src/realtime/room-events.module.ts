import { Module } from '@nestjs/common';
import { RoomEvents } from '../rooms/application/ports/room-events';
import { SocketRoomEvents } from './socket-room-events';

/** The real-time adapter of the RoomEvents port, shared by the use cases and the gateway. */
@Module({
  providers: [SocketRoomEvents, { provide: RoomEvents, useExisting: SocketRoomEvents }],
  exports: [RoomEvents, SocketRoomEvents],
})
export class RoomEventsModule {}
