import type { Redis } from 'ioredis';
import { ID_MEMORY_COUNT, ID_MEMORY_MS } from '@ciphernest/protocol';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisScript } from '../../store/redis/redis-script';
import type { MessageStamp } from '../domain/message-log';
import { MessageDelivery, type OutgoingMessage } from '../application/ports/message-delivery';
import type { RoomSockets } from '../application/ports/room-sockets';

/**
 * The speaker check, the stamp and the publication of one message, atomically. KEYS: the
 * session, the room, its ids, their order. ARGV: room key, socket id, message id, now, the id
 * memory (ms, count), the Pub/Sub channel, the box.
 *
 * The speaker rule is Session.speaksIn, restated: the session exists, is in the room and holds
 * the socket. The stamp is MessageLog.accept, restated (docs/protocol.md §5): a remembered id gets
 * its first stamp back; a new one the room's next seq, then ids neither within the last
 * `memoryMs` nor among the last `memoryCount` messages are forgotten, oldest first. A fresh
 * message is published as `seq "\n" ts "\n" JSON RelayHeader "\n" box`.
 * Returns { seq, ts, fresh (1 or 0) }, or nothing when the speaker rule fails or the room is gone.
 */
const DELIVER = new RedisScript(`
local function stamp(room, ids, order, id, nowText, memoryMs, memoryCount)
  local now = tonumber(nowText)
  local last = redis.call('HGET', room, 'seq')
  if not last then return nil end
  last = tonumber(last)
  local function remembers(seq, ts)
    return now - ts < memoryMs or last - seq < memoryCount
  end
  local known = redis.call('HGET', ids, id)
  if known then
    local seq, ts = string.match(known, '^(%d+):(%d+)$')
    seq, ts = tonumber(seq), tonumber(ts)
    if remembers(seq, ts) then return seq, ts, 0 end
  end
  local seq = redis.call('HINCRBY', room, 'seq', 1)
  last = seq
  redis.call('HSET', ids, id, seq .. ':' .. nowText)
  redis.call('RPUSH', order, seq .. ':' .. nowText .. ':' .. id)
  while true do
    local oldest = redis.call('LINDEX', order, 0)
    if not oldest then break end
    local oseq, ots, oid = string.match(oldest, '^(%d+):(%d+):(.*)$')
    oseq, ots = tonumber(oseq), tonumber(ots)
    if remembers(oseq, ots) then break end
    redis.call('LPOP', order)
    local current = redis.call('HGET', ids, oid)
    if current and tonumber(string.match(current, '^(%d+):')) == oseq then redis.call('HDEL', ids, oid) end
  end
  return seq, now, 1
end

local session = redis.call('HMGET', KEYS[1], 'roomKey', 'socketId', 'name')
if session[1] ~= ARGV[1] or session[2] ~= ARGV[2] then return false end
local seq, ts, fresh = stamp(KEYS[2], KEYS[3], KEYS[4], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]))
if not seq then return false end
if fresh == 1 then
  local header = cjson.encode({ roomKey = ARGV[1], id = ARGV[3], from = session[3], senderSocketId = ARGV[2] })
  redis.call('PUBLISH', ARGV[7], seq .. '\\n' .. ARGV[4] .. '\\n' .. header .. '\\n' .. ARGV[8])
end
return { seq, ts, fresh }
`);

/** What the script publishes of a relayed message besides its seq, ts and box (one JSON line). */
interface RelayHeader {
  roomKey: string;
  /** The message id. */
  id: string;
  /** The sender's name, as members see it. */
  from: string;
  /** Its socket, which gets the ack and never the relay. */
  senderSocketId: string;
}

const NEWLINE = 0x0a;

/** The header of a relayed message, or a throw for one this version cannot read (another version's). */
function readHeader(parsed: unknown): RelayHeader {
  const header = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const { roomKey, id, from, senderSocketId } = header;
  if (typeof roomKey !== 'string' || typeof id !== 'string' || typeof from !== 'string' || typeof senderSocketId !== 'string') {
    throw new Error('a relayed message whose header lacks roomKey, id, from or senderSocketId');
  }
  return { roomKey, id, from, senderSocketId };
}

/**
 * Several server processes (STORE=redis): one script checks the speaker, stamps the message and
 * publishes a fresh one on one Redis channel, and every process, the sender's included, hands
 * what it receives to its own sockets of that room (RoomSockets). Redis runs scripts one at a
 * time and a subscriber receives in publish order, so every member sees a room's messages in seq
 * order. Socket.IO's Redis adapter carries everything else (presence, typing, session ends); this
 * channel shares its subscriber connection, so the two keep their relative order.
 */
export class RedisMessageDelivery extends MessageDelivery {
  static readonly scripts = [DELIVER];

  constructor(
    /** Commands and publishes, on the connection Socket.IO's adapter publishes on too. */
    private readonly commands: Redis,
    /** The subscriber connection Socket.IO's adapter uses. */
    private readonly subscriber: Redis,
    private readonly sockets: RoomSockets,
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

  async deliver(outgoing: OutgoingMessage, now: number): Promise<MessageStamp | undefined> {
    const { sessionId, roomKey, senderSocketId, id, box } = outgoing;
    const keys = [redisKeys.session(sessionId), redisKeys.room(roomKey), redisKeys.roomIds(roomKey), redisKeys.roomIdOrder(roomKey)];
    const args = [roomKey, senderSocketId, id, now, ID_MEMORY_MS, ID_MEMORY_COUNT, redisKeys.messages, box];
    const reply = (await DELIVER.run(this.commands, keys, args)) as [number, number, number] | null;
    return reply ? { seq: reply[0], ts: reply[1], fresh: reply[2] === 1 } : undefined;
  }

  private receive(payload: Buffer): void {
    const first = payload.indexOf(NEWLINE);
    const second = payload.indexOf(NEWLINE, first + 1);
    const third = payload.indexOf(NEWLINE, second + 1);
    if (first < 0 || second < 0 || third < 0) throw new Error('a relayed message without its three header lines');
    const seq = Number(payload.toString('latin1', 0, first));
    const ts = Number(payload.toString('latin1', first + 1, second));
    const header = readHeader(JSON.parse(payload.toString('utf8', second + 1, third)));
    const box = payload.subarray(third + 1);
    this.sockets.relay(header.roomKey, header.senderSocketId, { id: header.id, from: header.from, ts, seq, box });
  }
}
