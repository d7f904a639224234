import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Namespace } from 'socket.io';
import { ServerEvent, type MemberEvent } from '@ciphernest/protocol';
import { RoomEvents, type EndedSession, type MembershipChange } from '../membership/application/ports/room-events';
import { socketRooms } from './socket-rooms';

/**
 * Delivers membership changes to the room's sockets through Socket.IO rooms (one broadcast per
 * change, whichever process holds the sockets once an adapter spans processes) and logs them.
 */
@Injectable()
export class SocketRoomEvents extends RoomEvents {
  private namespace: Namespace | undefined;

  constructor(private readonly logger: PinoLogger) {
    super();
  }

  bind(namespace: Namespace): void {
    this.namespace = namespace;
  }

  memberChanged(change: MembershipChange): void {
    const event: MemberEvent = { type: change.type, name: change.name, at: change.at };
    if (change.reason) event.reason = change.reason;
    this.namespace?.to(socketRooms.ofRoom(change.roomKey)).except(socketRooms.ofSession(change.sessionId)).emit(ServerEvent.Member, event);
  }

  sessionEnded(ended: EndedSession): void {
    this.logger.info({ event: 'session.ended', room: ended.room, user: ended.name, reason: ended.reason }, 'session ended');
    if (ended.reason !== 'left' || !this.namespace) return;
    const sockets = this.namespace.in(socketRooms.ofSession(ended.sessionId));
    sockets.emit(ServerEvent.SessionEnd, { reason: 'left' });
    sockets.disconnectSockets();
  }

  roomDeleted(_roomKey: string, room: string): void {
    this.logger.info({ event: 'room.deleted', room }, 'room deleted');
  }
}
