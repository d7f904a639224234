import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { ServerEvent, type RelayedMessage } from '@ciphernest/protocol';
import { RoomSockets } from '../membership/application/ports/room-sockets';
import { socketRooms } from './socket-rooms';

/** What is used here of a namespace's adapter (socket.io-adapter's Adapter, the Redis one included). */
interface RoomAdapter {
  on(event: 'create-room' | 'delete-room', listener: (socketRoom: string) => void): unknown;
}

/**
 * RoomSockets over the /chat namespace: a message goes to this process's sockets of its room,
 * but the sender's, with one `to(room).except(sender).emit(...)`: Socket.IO encodes it once and
 * writes it to each member's connection; nothing in our code runs per member.
 *
 * The name of each chat room's Socket.IO room is built once, when this process's first socket
 * joins it (the adapter's `create-room`), and forgotten when its last one leaves: the very string
 * the adapter keys the room by, so no name is built or hashed anew per message. A room without a
 * socket here has no name, and its messages (with Redis, every process receives every message)
 * cost one lookup.
 */
@Injectable()
export class NamespaceRoomSockets extends RoomSockets {
  private namespace: Namespace | undefined;
  private readonly socketRoomByKey = new Map<string, string>();

  bind(namespace: Namespace): void {
    this.namespace = namespace;
    const adapter = namespace.adapter as unknown as RoomAdapter;
    adapter.on('create-room', (socketRoom) => {
      const roomKey = socketRooms.roomKeyOf(socketRoom);
      if (roomKey !== undefined) this.socketRoomByKey.set(roomKey, socketRoom);
    });
    adapter.on('delete-room', (socketRoom) => {
      const roomKey = socketRooms.roomKeyOf(socketRoom);
      if (roomKey !== undefined) this.socketRoomByKey.delete(roomKey);
    });
  }

  relay(roomKey: string, senderSocketId: string, message: RelayedMessage): void {
    const socketRoom = this.socketRoomByKey.get(roomKey);
    if (socketRoom !== undefined) this.namespace?.local.to(socketRoom).except(senderSocketId).emit(ServerEvent.Message, message);
  }
}
