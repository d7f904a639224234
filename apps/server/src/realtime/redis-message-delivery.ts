import type { Redis } from 'ioredis';
import { ID_MEMORY_COUNT, ID_MEMORY_MS } from '@ciphernest/protocol';
import { STAMP_LUA } from '../rooms/adapters/redis-room.repository';
import type { Delivery, OutgoingMessage } from '../rooms/application/ports/message-delivery';
import { redisKeys } from '../store/redis/redis-keys';
import { RedisScript } from '../store/redis/redis-script';
import { SocketMessageDelivery } from './socket-message-delivery';

/**
 * The speaker check, the stamp and the publication of one message, atomically. KEYS: the
 * session, the room, its ids, their order. ARGV: room key, socket id, message id, now, the id
 * memory (ms, count), the channel, the box. Publishes `seq "\n" ts "\n" JSON {r,i,f,s} "\n" box`.
 * Returns { seq, ts, fresh, from }, or nothing when the session is gone, in another room, or
 * holds another socket, or the room is gone.
 */
const DELIVER = new RedisScript(`${STAMP_LUA}
local session = redis.call('HMGET', KEYS[1], 'roomKey', 'socketId', 'name')
if session[1] ~= ARGV[1] or session[2] ~= ARGV[2] then return false end
local seq, ts, fresh = stamp(KEYS[2], KEYS[3], KEYS[4], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]))
if not seq then return false end
if fresh == 1 then
  local meta = cjson.encode({ r = ARGV[1], i = ARGV[3], f = session[3], s = ARGV[2] })
  redis.call('PUBLISH', ARGV[7], seq .. '\\n' .. ARGV[4] .. '\\n' .. meta .. '\\n' .. ARGV[8])
end
return { seq, ts, fresh, session[3] }
`);

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
 * Several server processes (STORE=redis): one script checks the speaker, stamps the message and
 * publishes a fresh one on one Redis channel, and every process, the sender's included, emits
 * what it receives to its own sockets of that room. Redis runs scripts one at a time and a
 * subscriber receives in publish order, so every member sees a room's messages in seq order.
 * Socket.IO's Redis adapter carries everything else (presence, typing, session ends); this
 * channel shares its subscriber connection, so the two keep their relative order.
 */
export class RedisMessageDelivery extends SocketMessageDelivery {
  static readonly scripts = [DELIVER];

  constructor(
    /** Commands and publishes, on the connection Socket.IO's adapter publishes on too. */
    private readonly commands: Redis,
    /** The subscriber connection Socket.IO's adapter uses. */
    private readonly subscriber: Redis,
    /** A payload this process cannot read (another version's?): it is dropped, never thrown. */
    private readonly onUnreadable: (error: unknown) => void = () => undefined,
  ) {
    super();
  }

  /** Subscribes before any message can be sent: call once, at start. */
  async listen(): Promise<void> {
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      if (channel.toString() !== redisKeys.messages) return;
      try {
        this.receive(payload);
      } catch (error) {
        this.onUnreadable(error);
      }
    });
    await this.subscriber.subscribe(redisKeys.messages);
  }

  async deliver(outgoing: OutgoingMessage, now: number): Promise<Delivery | undefined> {
    const { sessionId, roomKey, senderSocketId, id, box } = outgoing;
    const keys = [redisKeys.session(sessionId), redisKeys.room(roomKey), redisKeys.roomIds(roomKey), redisKeys.roomIdOrder(roomKey)];
    const args = [roomKey, senderSocketId, id, now, ID_MEMORY_MS, ID_MEMORY_COUNT, redisKeys.messages, box];
    const reply = (await DELIVER.run(this.commands, keys, args)) as [number, number, number, string] | null;
    if (!reply) return undefined;
    const [seq, ts, fresh, from] = reply;
    return { seq, ts, fresh: fresh === 1, roomKey, from };
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
    this.emitLocally({ roomKey: meta.r, senderSocketId: meta.s, message: { id: meta.i, from: meta.f, ts, seq, box } });
  }
}
