import type { Provider } from '@nestjs/common';
import { RoomEvents } from '../membership/application/ports/room-events';
import { RoomSockets } from '../membership/application/ports/room-sockets';
import { NamespaceRoomSockets } from './namespace-room-sockets';
import { SocketRoomEvents } from './socket-room-events';

/**
 * The real-time adapter's side of membership's ports: RoomEvents and RoomSockets, over the /chat
 * namespace once the gateway binds it. Bound by the composition root (app.module.ts).
 */
export const realtimeAdapters: Provider[] = [
  SocketRoomEvents,
  NamespaceRoomSockets,
  { provide: RoomEvents, useExisting: SocketRoomEvents },
  { provide: RoomSockets, useExisting: NamespaceRoomSockets },
];

/** The tokens realtimeAdapters provides. */
export const REALTIME_PORTS = [SocketRoomEvents, NamespaceRoomSockets, RoomEvents, RoomSockets];
