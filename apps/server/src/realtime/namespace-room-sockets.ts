import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { ServerEvent, type RelayedMessage } from '@ciphernest/protocol';
import type { Replay } from '../membership/application/ports/message-replay';
import { RoomSockets } from '../membership/application/ports/room-sockets';
import { socketRooms } from './socket-rooms';

/** What is used here of a namespace's adapter (socket.io-adapter's Adapter, the Redis one included). */
interface RoomAdapter {
  on(event: 'create-room' | 'delete-room', listener: (socketRoom: string) => void): unknown;
  on(event: 'leave-room', listener: (socketRoom: string, socketId: string) => void): unknown;
}

/**
 * RoomSockets over the /chat namespace: a message goes to this process's sockets of its room,
 * but the sender's, with one `to(room).except(sender).emit(...)`: Socket.IO encodes it once and
 * writes it to each member's connection; nothing in our code runs per member.
 *
 * The name of each chat room's Socket.IO room is built once, when this process's first socket
 * joins it (the adapter's `create-room`), and forgotten when its last one leaves: the very string
 * the adapter keys the room by, so no name is built or hashed anew per message. Beside it, the
 * last seq relayed to the room here. A room without a
 * socket here has no name, and its messages (with Redis, every process receives every message)
 * cost one lookup.
 *
 * A socket that resumes (docs/protocol.md §5.1) is kept out of that broadcast for a moment: its
 * live messages are kept back while its replay is read, then sent after the replay with none
 * twice, and then only messages above the replay's `upTo` reach it, until the first one does.
 * Rooms with no socket resuming pay one Map lookup per message.
 */
/** A chat room with sockets in this process: its Socket.IO room's name, and the last seq relayed to it here. */
class HostedRoom {
  lastSeq = 0;

  constructor(readonly socketRoom: string) {}
}

interface Resuming {
  /** Live messages kept back while the replay is read; undefined once it was sent. */
  kept: RelayedMessage[] | undefined;
  /** After the replay: live messages up to this seq are not sent to the socket. */
  upTo: number;
}

@Injectable()
export class NamespaceRoomSockets extends RoomSockets {
  private namespace: Namespace | undefined;
  private readonly hosted = new Map<string, HostedRoom>();
  /** Per room key, its sockets that are resuming. */
  private readonly resuming = new Map<string, Map<string, Resuming>>();

  bind(namespace: Namespace): void {
    this.namespace = namespace;
    const adapter = namespace.adapter as unknown as RoomAdapter;
    adapter.on('create-room', (socketRoom) => {
      const roomKey = socketRooms.roomKeyOf(socketRoom);
      if (roomKey !== undefined) this.hosted.set(roomKey, new HostedRoom(socketRoom));
    });
    adapter.on('leave-room', (socketRoom, socketId) => {
      const roomKey = socketRooms.roomKeyOf(socketRoom);
      if (roomKey !== undefined) this.forget(roomKey, socketId);
    });
    adapter.on('delete-room', (socketRoom) => {
      const roomKey = socketRooms.roomKeyOf(socketRoom);
      if (roomKey !== undefined) this.hosted.delete(roomKey);
    });
  }

  relay(roomKey: string, senderSocketId: string, message: RelayedMessage): void {
    const hosted = this.hosted.get(roomKey);
    if (hosted !== undefined) hosted.lastSeq = message.seq;
    const resuming = this.resuming.get(roomKey);
    if (resuming === undefined) {
      if (hosted !== undefined) this.namespace?.local.to(hosted.socketRoom).except(senderSocketId).emit(ServerEvent.Message, message);
      return;
    }
    if (hosted !== undefined) this.namespace?.local.to(hosted.socketRoom).except([senderSocketId, ...resuming.keys()]).emit(ServerEvent.Message, message);
    for (const [socketId, state] of resuming) {
      if (socketId === senderSocketId) continue;
      if (state.kept) {
        state.kept.push(message);
      } else if (message.seq > state.upTo) {
        this.namespace?.sockets.get(socketId)?.emit(ServerEvent.Message, message);
        resuming.delete(socketId);
      }
    }
    if (resuming.size === 0) this.resuming.delete(roomKey);
  }

  hosts(roomKey: string): boolean {
    return this.hosted.has(roomKey) || this.resuming.has(roomKey);
  }

  holdBack(roomKey: string, socketId: string): void {
    let resuming = this.resuming.get(roomKey);
    if (!resuming) {
      resuming = new Map();
      this.resuming.set(roomKey, resuming);
    }
    resuming.set(socketId, { kept: [], upTo: 0 });
  }

  resume(roomKey: string, socketId: string, replay: Replay | undefined): void {
    const resuming = this.resuming.get(roomKey);
    const state = resuming?.get(socketId);
    const socket = this.namespace?.sockets.get(socketId);
    if (!resuming || !state || !replay || !socket) {
      this.forget(roomKey, socketId);
      return;
    }
    if (replay.missed) socket.emit(ServerEvent.Missed, replay.missed);
    for (const message of replay.messages) socket.emit(ServerEvent.Message, message);
    let caughtUp = false;
    for (const message of state.kept ?? []) {
      if (message.seq <= replay.upTo) continue;
      socket.emit(ServerEvent.Message, message);
      caughtUp = true;
    }
    // Nothing up to `upTo` can come live any more once this process relayed the room's messages
    // that far (they come in seq order): the socket needs no filter, and an idle member keeps no state.
    if (caughtUp || replay.upTo <= (this.hosted.get(roomKey)?.lastSeq ?? 0)) {
      this.forget(roomKey, socketId);
    } else {
      state.kept = undefined;
      state.upTo = replay.upTo;
    }
  }

  private forget(roomKey: string, socketId: string): void {
    const resuming = this.resuming.get(roomKey);
    resuming?.delete(socketId);
    if (resuming?.size === 0) this.resuming.delete(roomKey);
  }
}
