import type { Redis } from 'ioredis';
import { ID_MEMORY_COUNT, ID_MEMORY_MS } from '@ciphernest/protocol';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisScript } from '../../store/redis/redis-script';
import type { HoldLimits } from '../domain/held-messages';
import type { MessageStamp } from '../domain/message-log';
import { MessageDelivery, type OutgoingMessage } from '../application/ports/message-delivery';
import { HELD_DEPLOYMENT_KEYS, HELD_MESSAGES_LUA, heldArguments, heldBytes } from './redis-held-messages';
import { readRelayPayload } from './redis-relay-payload';
import type { RedisRelayOrder } from './redis-relay-order';

/**
 * The speaker check, the stamp, the publication and the holding of one message, atomically.
 * KEYS: the session, the room, its ids, their order, then the deployment's held keys
 * (HELD_DEPLOYMENT_KEYS). ARGV: room key, socket id, message id, the Pub/Sub channel, the box,
 * the id memory (ms, count), the sender's session id, what the message counts toward the hold
 * limits, then heldArguments (the key prefix, now, the limits).
 *
 * The speaker rule is Session.speaksIn, restated: the session exists, is in the room and holds
 * the socket. The stamp is MessageLog.accept, restated (docs/protocol.md §5): a remembered id gets
 * its first stamp back; a new one the room's next seq, and its sender is noted beside it (for
 * `missed`, docs/protocol.md §5.1); then ids neither within the last `memoryMs` nor among the last
 * `memoryCount` messages are forgotten, oldest first. A fresh message is published as
 * `seq "\n" ts "\n" JSON RelayHeader "\n" box` (redis-relay-payload.ts) and held, as published,
 * in the same step (HeldMessages.hold, restated in HELD_MESSAGES_LUA).
 * Returns { seq, ts, fresh (1 or 0) }, or nothing when the speaker rule fails or the room is gone.
 */
const DELIVER = new RedisScript(`${HELD_MESSAGES_LUA}
local function stamp(room, ids, order, id, nowText, memoryMs, memoryCount, sender)
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
  redis.call('RPUSH', order, seq .. ':' .. nowText .. ':' .. id .. ':' .. sender)
  while true do
    local oldest = redis.call('LINDEX', order, 0)
    if not oldest then break end
    local oseq, ots, oid = string.match(oldest, '^(%d+):(%d+):([^:]*)')
    oseq, ots = tonumber(oseq), tonumber(ots)
    if remembers(oseq, ots) then break end
    redis.call('LPOP', order)
    local current = redis.call('HGET', ids, oid)
    if current and tonumber(string.match(current, '^(%d+):')) == oseq then redis.call('HDEL', ids, oid) end
  end
  return seq, now, 1
end

local h = heldContext(KEYS[5], KEYS[6], unpack(ARGV, 10, 14))
local session = redis.call('HMGET', KEYS[1], 'roomKey', 'socketId', 'name')
if session[1] ~= ARGV[1] or session[2] ~= ARGV[2] then return false end
local sender = ARGV[8]
local seq, ts, fresh = stamp(KEYS[2], KEYS[3], KEYS[4], ARGV[3], h.nowText, tonumber(ARGV[6]), tonumber(ARGV[7]), sender)
if not seq then return false end
if fresh == 1 then
  local header = cjson.encode({ roomKey = ARGV[1], id = ARGV[3], from = session[3], senderSocketId = ARGV[2] })
  local payload = seq .. '\\n' .. h.nowText .. '\\n' .. header .. '\\n' .. ARGV[5]
  redis.call('PUBLISH', ARGV[4], payload)
  holdMessage(h, ARGV[1], seq, payload, tonumber(ARGV[9]), sender)
end
return { seq, ts, fresh }
`);

/**
 * Several server processes (STORE=redis): one script checks the speaker, stamps the message,
 * publishes a fresh one on one Redis channel and holds it for resuming (docs/protocol.md §5.1),
 * and every process, the sender's included, hands what it receives to its own sockets of that
 * room, through RedisRelayOrder, which fills a gap in a room's seqs from what Redis holds. Redis
 * runs scripts one at a time and a subscriber receives in publish order, so every member sees a
 * room's messages in seq order. Socket.IO's Redis adapter carries everything else (presence,
 * typing, session ends); this channel shares its subscriber connection, so the two keep their
 * relative order.
 */
export class RedisMessageDelivery extends MessageDelivery {
  static readonly scripts = [DELIVER];

  constructor(
    /** Commands and publishes, on the connection Socket.IO's adapter publishes on too. */
    private readonly commands: Redis,
    /** The subscriber connection Socket.IO's adapter uses. */
    private readonly subscriber: Redis,
    private readonly order: RedisRelayOrder,
    private readonly limits: HoldLimits,
    /** A payload this process cannot read (another version's?): it is dropped, never thrown. */
    private readonly onUnreadable: (error: unknown) => void = () => undefined,
  ) {
    super();
  }

  /**
   * Subscribes before any message can be sent: call once, at start. Whenever the subscriber
   * connects again (ioredis reconnects by itself after a dropped connection), whatever was
   * published meanwhile is filled from what Redis holds, once the subscription is back.
   */
  async listen(): Promise<void> {
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      if (channel.toString() !== redisKeys.messages) return;
      try {
        const { roomKey, senderSocketId, message } = readRelayPayload(payload);
        this.order.arrived(roomKey, senderSocketId, message);
      } catch (error) {
        this.onUnreadable(error);
      }
    });
    this.subscriber.on('ready', () => void this.catchUpOnceSubscribed());
    await this.subscriber.subscribe(redisKeys.messages);
  }

  async deliver(outgoing: OutgoingMessage, now: number): Promise<MessageStamp | undefined> {
    const { sessionId, roomKey, senderSocketId, id, box } = outgoing;
    const keys = [redisKeys.session(sessionId), redisKeys.room(roomKey), redisKeys.roomIds(roomKey), redisKeys.roomIdOrder(roomKey), ...HELD_DEPLOYMENT_KEYS];
    const args = [roomKey, senderSocketId, id, redisKeys.messages, box, ID_MEMORY_MS, ID_MEMORY_COUNT, sessionId, heldBytes(box), ...heldArguments(this.limits, now)];
    const reply = (await DELIVER.run(this.commands, keys, args)) as [number, number, number] | null;
    if (!reply) return undefined;
    // The ack goes out once everything up to this seq reached this process's sockets (RedisRelayOrder.handedOver).
    await this.order.handedOver(roomKey, reply[0]);
    return { seq: reply[0], ts: reply[1], fresh: reply[2] === 1 };
  }

  /**
   * ioredis subscribes again on its own as it reconnects, but tells `ready` before that: the
   * subscription is confirmed here first, so nothing published after the fill can slip by.
   * A failed subscribe means the connection dropped again, and its next `ready` will come.
   */
  private async catchUpOnceSubscribed(): Promise<void> {
    try {
      await this.subscriber.subscribe(redisKeys.messages);
    } catch {
      return;
    }
    this.order.catchUp();
  }
}
