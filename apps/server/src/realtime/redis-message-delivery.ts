import type { RedisRoomRepository } from '../rooms/adapters/redis-room.repository';
import type { OutgoingMessage } from '../rooms/application/ports/message-delivery';
import type { MessageAcceptance } from '../rooms/domain/message-log';
import { redisKeys } from '../store/redis/redis-keys';
import type { RedisStore } from '../store/redis/redis-store';
import { SocketMessageDelivery } from './socket-message-delivery';

interface Meta {
  /** room key */
  r: string;
  /** message id */
  i: string;
  /** from */
  f: string;
  /** the sender's socket id */
  s: string;
}

const NEWLINE = 0x0a;

/**
 * Several server processes (STORE=redis): the stamping script publishes each fresh message on
 * one Redis channel in the same atomic step, and every process, the sender's included, emits
 * what it receives to its own sockets of that room. Redis runs scripts one at a time and a
 * subscriber receives in publish order, so every member sees a room's messages in seq order.
 * Socket.IO's Redis adapter carries everything else (presence, typing, session ends); this
 * channel shares its subscriber connection, so the two keep their relative order.
 */
export class RedisMessageDelivery extends SocketMessageDelivery {
  constructor(
    private readonly rooms: RedisRoomRepository,
    private readonly store: RedisStore,
    /** A payload this process cannot read (another version's?): it is dropped, never thrown. */
    private readonly onUnreadable: (error: unknown) => void = () => undefined,
  ) {
    super();
  }

  /** Subscribes before any message can be sent: call once, at start. */
  async listen(): Promise<void> {
    this.store.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      if (channel.toString() !== redisKeys.messages) return;
      try {
        this.receive(payload);
      } catch (error) {
        this.onUnreadable(error);
      }
    });
    await this.store.subscriber.subscribe(redisKeys.messages);
  }

  async deliver(message: OutgoingMessage, now: number): Promise<MessageAcceptance | undefined> {
    const meta: Meta = { r: message.roomKey, i: message.id, f: message.from, s: message.senderSocketId };
    return this.rooms.acceptAndPublish(message.roomKey, message.id, now, {
      channel: redisKeys.messages,
      meta: JSON.stringify(meta),
      box: message.box,
    });
  }

  private receive(payload: Buffer): void {
    const first = payload.indexOf(NEWLINE);
    const second = payload.indexOf(NEWLINE, first + 1);
    const third = payload.indexOf(NEWLINE, second + 1);
    if (first < 0 || second < 0 || third < 0) throw new Error('a relayed message without its three header lines');
    const seq = Number(payload.toString('latin1', 0, first));
    const ts = Number(payload.toString('latin1', first + 1, second));
    const meta = JSON.parse(payload.toString('utf8', second + 1, third)) as Meta;
    const box = payload.subarray(third + 1);
    this.emitLocally({ roomKey: meta.r, id: meta.i, from: meta.f, senderSocketId: meta.s, box }, { seq, ts });
  }
}
