import type { Redis } from 'ioredis';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisScript } from '../../store/redis/redis-script';
import type { HoldLimits } from '../domain/held-messages';
import { MessageReplay, type Replay, type ResumeRequest } from '../application/ports/message-replay';
import { HELD_DEPLOYMENT_KEYS, HELD_MESSAGES_LUA, heldArguments } from './redis-held-messages';
import { readRelayPayload } from './redis-relay-payload';
import type { RedisRelayOrder } from './redis-relay-order';

/**
 * A resume's replay in one step (LocalMessageReplay, restated). KEYS: the room, its held
 * messages, their order, its id order, then HELD_DEPLOYMENT_KEYS. ARGV: the session id, its
 * sinceSeq, its resume ('' for none), then heldArguments. Returns nothing when the room is gone,
 * { latest } without a resume, else { latest, missed from, missed to (0, 0: none), payload... }:
 * the held messages above max(min(resume, latest), sinceSeq) that another session sent, as
 * published. `missed` is missedRange (domain/held-messages.ts), the senders read from the
 * room's id order (as MessageLog.senderOf: its last 1,024 and 60 s; an unknown one counts as
 * another's). Expired messages are dropped first.
 */
const REPLAY = new RedisScript(`${HELD_MESSAGES_LUA}
local latest = redis.call('HGET', KEYS[1], 'seq')
if not latest then return false end
latest = tonumber(latest)
if ARGV[3] == '' then return { latest } end
forgetExpired(heldContext(KEYS[5], KEYS[6], unpack(ARGV, 4, 8)))
local session = ARGV[1]
local after = math.max(math.min(tonumber(ARGV[3]), latest), tonumber(ARGV[2]))
local head = redis.call('LINDEX', KEYS[3], 0)
local lowest = head and tonumber(string.match(head, '^%d+:(%d+):')) or latest + 1

local logged = redis.call('LINDEX', KEYS[4], 0)
local firstLogged = logged and tonumber(string.match(logged, '^(%d+):'))
local function sentBy(seq)
  if not firstLogged or seq < firstLogged then return nil end
  local entry = redis.call('LINDEX', KEYS[4], seq - firstLogged)
  return entry and string.match(entry, '^%d+:%d+:[^:]*:(.*)$')
end
local from, to = after + 1, lowest - 1
while from <= to and sentBy(from) == session do from = from + 1 end
while to >= from and sentBy(to) == session do to = to - 1 end

local reply = { latest, 0, 0 }
if from <= to then reply[2], reply[3] = from, to end
for _, entry in ipairs(redis.call('LRANGE', KEYS[3], math.max(after + 1 - lowest, 0), -1)) do
  local seq, sender = string.match(entry, '^%d+:(%d+):%d+:%d+:(.*)$')
  if sender ~= session then table.insert(reply, redis.call('HGET', KEYS[2], seq)) end
end
return reply
`);

/** HeldMessages.forgetExpired, restated. KEYS: HELD_DEPLOYMENT_KEYS; ARGV: heldArguments. */
const FORGET_EXPIRED = new RedisScript(`${HELD_MESSAGES_LUA}
forgetExpired(heldContext(KEYS[1], KEYS[2], unpack(ARGV, 1, 5)))
return 0
`);

/**
 * MessageReplay with Redis (STORE=redis): the messages the DELIVER script holds
 * (redis-message-delivery.ts), per room and within deployment-wide limits, read in one script
 * per resume. Each replay also tells RedisRelayOrder where the room stood, so this process hands
 * the room's live messages over from there with no gap.
 */
export class RedisMessageReplay extends MessageReplay {
  static readonly scripts = [REPLAY, FORGET_EXPIRED];

  constructor(
    private readonly commands: Redis,
    private readonly order: RedisRelayOrder,
    private readonly limits: HoldLimits,
  ) {
    super();
  }

  async replay(request: ResumeRequest, now: number): Promise<Replay | undefined> {
    const replayRead = this.order.replayStarts(request.roomKey);
    let replay: Replay | undefined;
    try {
      replay = await this.read(request, now);
    } catch (error) {
      replayRead(undefined);
      throw error;
    }
    replayRead(replay?.upTo);
    return replay;
  }

  async latestSeq(roomKey: string): Promise<number | undefined> {
    const seq = await this.commands.hget(redisKeys.room(roomKey), 'seq');
    return seq === null ? undefined : Number(seq);
  }

  /** Also forgets, in this process, the order of rooms it no longer hosts (RedisRelayOrder.forgetUnhosted). */
  async forgetExpired(now: number): Promise<void> {
    this.order.forgetUnhosted();
    if (this.limits.holdMs === 0) return;
    await FORGET_EXPIRED.run(this.commands, HELD_DEPLOYMENT_KEYS, heldArguments(this.limits, now));
  }

  private async read({ sessionId, roomKey, sinceSeq, resume }: ResumeRequest, now: number): Promise<Replay | undefined> {
    const keys = [redisKeys.room(roomKey), redisKeys.roomHeld(roomKey), redisKeys.roomHeldOrder(roomKey), redisKeys.roomIdOrder(roomKey), ...HELD_DEPLOYMENT_KEYS];
    const args = [sessionId, sinceSeq, resume ?? '', ...heldArguments(this.limits, now)];
    const reply = (await REPLAY.runForBuffers(this.commands, keys, args)) as [number, number?, number?, ...Buffer[]] | null;
    if (reply === null) return undefined;
    const [upTo, from = 0, to = 0, ...payloads] = reply;
    const messages = payloads.map((payload) => readRelayPayload(payload).message);
    return from > 0 ? { missed: { from, to }, messages, upTo } : { messages, upTo };
  }
}
