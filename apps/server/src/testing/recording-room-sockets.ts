import type { RelayedMessage } from '@ciphernest/protocol';
import type { Replay } from '../membership/application/ports/message-replay';
import { RoomSockets } from '../membership/application/ports/room-sockets';

export interface RoomRelay {
  roomKey: string;
  senderSocketId: string;
  message: RelayedMessage;
}

/** A RoomSockets double that keeps every message handed to it, in order. */
export class RecordingRoomSockets extends RoomSockets {
  readonly relayed: RoomRelay[] = [];
  /** The resumes handed to sockets, in order. */
  readonly resumed: { roomKey: string; socketId: string; replay: Replay | undefined }[] = [];
  readonly heldBack = new Set<string>();
  /** The rooms this double hosts (RoomSockets.hosts); every room while unset. */
  hostedRooms: Set<string> | undefined;
  private readonly waiting: { count: number; resolve: () => void }[] = [];

  hosts(roomKey: string): boolean {
    return this.hostedRooms === undefined || this.hostedRooms.has(roomKey);
  }

  holdBack(_roomKey: string, socketId: string): void {
    this.heldBack.add(socketId);
  }

  resume(roomKey: string, socketId: string, replay: Replay | undefined): void {
    this.heldBack.delete(socketId);
    this.resumed.push({ roomKey, socketId, replay });
  }

  relay(roomKey: string, senderSocketId: string, message: RelayedMessage): void {
    this.relayed.push({ roomKey, senderSocketId, message });
    for (const waiter of this.waiting.filter(({ count }) => this.relayed.length >= count)) {
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /**
   * The first `count` relays, once there are that many (a Redis delivery relays when its
   * subscriber receives, after `deliver` has answered).
   */
  async firstRelays(count: number): Promise<RoomRelay[]> {
    if (this.relayed.length < count) await new Promise<void>((resolve) => this.waiting.push({ count, resolve }));
    return this.relayed.slice(0, count);
  }
}
