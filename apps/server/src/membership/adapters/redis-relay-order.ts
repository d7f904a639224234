import type { Redis } from 'ioredis';
import type { RelayedMessage } from '@ciphernest/protocol';
import { redisKeys } from '../../store/redis/redis-keys';
import { RedisScript } from '../../store/redis/redis-script';
import type { RoomSockets } from '../application/ports/room-sockets';
import { readRelayPayload, type RelayPayload } from './redis-relay-payload';

/**
 * The held messages of a room from ARGV[1] to ARGV[2] ('': the room's latest), as published, in
 * seq order; KEYS: the room, its held messages, their order. Returns { latest, payload... }, or
 * nothing when the room is gone. Only what is held is read: the held seqs run from the head of the
 * order to the latest, none missing.
 */
const FILL = new RedisScript(`
local latest = redis.call('HGET', KEYS[1], 'seq')
if not latest then return false end
latest = tonumber(latest)
local head = redis.call('LINDEX', KEYS[3], 0)
local lowest = head and tonumber(string.match(head, '^%d+:(%d+):')) or latest + 1
local to = ARGV[2] == '' and latest or math.min(tonumber(ARGV[2]), latest)
local reply = { latest }
for seq = math.max(tonumber(ARGV[1]), lowest), to do
  local payload = redis.call('HGET', KEYS[2], seq)
  if payload then table.insert(reply, payload) end
end
return reply
`);

interface Arrival {
  senderSocketId: string;
  message: RelayedMessage;
}

/** What this process has handed over of one room it hosts. */
class RoomRelays {
  /** The last seq handed to RoomSockets; undefined until the replays of its first sockets tell where the room stood. */
  last: number | undefined;
  /** Replays of its first sockets still to answer, and the lowest `upTo` of those that did. */
  awaitedReplays = 0;
  lowestUpTo = Number.POSITIVE_INFINITY;
  /** Arrivals kept while `last` is unknown or a fill is being read, in arrival order. */
  readonly queue: Arrival[] = [];
  filling = false;
  /** Read everything the room holds above `last` as soon as no fill is being read. */
  catchUpWanted = false;
  /** Acks waiting until `last` reaches their seq (RedisRelayOrder.handedOver), lowest first. */
  readonly waiting: { seq: number; release: () => void }[] = [];
}

/**
 * How long an ack waits for its message to be handed over here (RedisRelayOrder.handedOver).
 * Pub/Sub takes well under a millisecond; this bounds the wait while a subscription is down.
 */
export const HANDED_OVER_WAIT_MS = 2_000;

/**
 * Keeps each room that this process hosts (RoomSockets.hosts) gap-free and in order, with
 * Redis (docs/scaling.md, "Held messages, resume and gaps"): Pub/Sub delivers in publish order but loses
 * what was published while a subscription was down. Per hosted room it knows the last seq handed
 * to RoomSockets: an arrival right after it is handed over at once (the usual case: a lookup and
 * a comparison); an older one is a repeat and dropped; a later one first waits for the missing
 * seqs, read from the room's held messages, and later arrivals of the room queue behind that read.
 * Seqs no longer held are skipped (the members see the gap on their next resume) and reported.
 *
 * A room's tracking starts with the replays of its first local sockets (replayStarts): a socket's
 * replay ends at its `upTo` and NamespaceRoomSockets then sends it only seqs above, so handing
 * over from the lowest `upTo` leaves no gap for any socket and gives none a message twice. Rooms
 * this process does not host are handed over as they come, and forgotten.
 */
export class RedisRelayOrder {
  static readonly scripts = [FILL];

  private readonly rooms = new Map<string, RoomRelays>();

  constructor(
    private readonly commands: Redis,
    private readonly sockets: RoomSockets,
    /** Seqs that could not be filled (no longer held), and the error when the read failed: counts only, never a box. */
    private readonly onUnfilled: (count: number, error?: unknown) => void = () => undefined,
  ) {}

  /**
   * Resolves once this process has handed the room's messages up to `seq` to its sockets (or
   * after HANDED_OVER_WAIT_MS, or at once for a room it does not track). The sender's ack waits
   * for it: Pub/Sub and the command connection are two connections, so without the wait an ack
   * for seq N could reach its socket before seq N-1 from another process, and a client that
   * dropped then and resumed from N (its own acknowledged seq, docs/protocol.md §5.1) would
   * never get N-1.
   */
  handedOver(roomKey: string, seq: number): Promise<void> | undefined {
    const room = this.rooms.get(roomKey);
    if (room === undefined || (room.last !== undefined && room.last >= seq)) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(release, HANDED_OVER_WAIT_MS);
      function release(): void {
        clearTimeout(timer);
        resolve();
      }
      const at = room.waiting.findIndex((waiter) => waiter.seq > seq);
      room.waiting.splice(at < 0 ? room.waiting.length : at, 0, { seq, release });
    });
  }

  /** A message from Pub/Sub, in publish order. Runs once per message: nothing allocated on the usual path. */
  arrived(roomKey: string, senderSocketId: string, message: RelayedMessage): void {
    const room = this.rooms.get(roomKey);
    if (room === undefined) {
      this.sockets.relay(roomKey, senderSocketId, message);
      return;
    }
    if (!this.sockets.hosts(roomKey)) {
      this.forget(roomKey, room);
      return;
    }
    if (room.last === message.seq - 1 && room.queue.length === 0 && !room.filling) {
      room.last = message.seq;
      this.sockets.relay(roomKey, senderSocketId, message);
      if (room.waiting.length > 0) this.releaseWaiting(room);
      return;
    }
    room.queue.push({ senderSocketId, message });
    this.handOver(roomKey, room);
  }

  /**
   * A socket of the room begins its resume (its replay is about to be read; it is kept back from
   * the room's live messages already). Call with the replay's `upTo` once read (undefined: the
   * room is gone or the read failed). The first sockets of a room start its tracking. For a room
   * tracked already, an `upTo` below what had been handed over when the read began means the room
   * ended and began again under its key: its tracking starts again from that `upTo`.
   */
  replayStarts(roomKey: string): (upTo: number | undefined) => void {
    let room = this.rooms.get(roomKey);
    if (room === undefined) {
      room = new RoomRelays();
      this.rooms.set(roomKey, room);
    }
    const tracked = room;
    const lastBefore = tracked.last;
    if (lastBefore === undefined) {
      tracked.awaitedReplays += 1;
      return (upTo) => this.firstReplayRead(roomKey, tracked, upTo);
    }
    return (upTo) => {
      if (upTo !== undefined && upTo < lastBefore && this.rooms.get(roomKey) === tracked) this.startAgain(roomKey, tracked, upTo);
    };
  }

  /** The subscription is back after a drop: reads what every tracked room holds above what it handed over. */
  catchUp(): void {
    for (const [roomKey, room] of this.rooms) {
      room.catchUpWanted = true;
      this.handOver(roomKey, room);
    }
  }

  /** Forgets the rooms this process no longer hosts (run periodically: rooms that ended send nothing more). */
  forgetUnhosted(): void {
    for (const [roomKey, room] of this.rooms) {
      if (!this.sockets.hosts(roomKey)) this.forget(roomKey, room);
    }
  }

  private firstReplayRead(roomKey: string, room: RoomRelays, upTo: number | undefined): void {
    if (this.rooms.get(roomKey) !== room) return;
    room.awaitedReplays -= 1;
    if (upTo !== undefined) room.lowestUpTo = Math.min(room.lowestUpTo, upTo);
    if (room.awaitedReplays > 0) return;
    if (room.lowestUpTo === Number.POSITIVE_INFINITY) {
      // No replay was read: the room is gone, or Redis failed; what came meanwhile is handed over as it came.
      this.forget(roomKey, room);
      for (const { senderSocketId, message } of room.queue) this.sockets.relay(roomKey, senderSocketId, message);
      return;
    }
    room.last = room.lowestUpTo;
    this.handOver(roomKey, room);
  }

  private startAgain(roomKey: string, stale: RoomRelays, upTo: number): void {
    const room = new RoomRelays();
    room.last = upTo;
    room.queue.push(...stale.queue);
    room.waiting.push(...stale.waiting);
    room.catchUpWanted = true;
    this.rooms.set(roomKey, room);
    this.handOver(roomKey, room);
  }

  /** Hands over the queued arrivals in seq order, until one needs a fill. */
  private handOver(roomKey: string, room: RoomRelays): void {
    while (room.last !== undefined && !room.filling) {
      if (room.catchUpWanted) {
        room.catchUpWanted = false;
        void this.fill(roomKey, room, room.last, undefined);
        return;
      }
      const next = room.queue[0];
      if (next === undefined) return;
      const { seq } = next.message;
      if (seq > room.last + 1) {
        void this.fill(roomKey, room, room.last, seq - 1);
        return;
      }
      room.queue.shift();
      if (seq <= room.last) continue;
      room.last = seq;
      this.sockets.relay(roomKey, next.senderSocketId, next.message);
    }
    this.releaseWaiting(room);
  }

  /** Releases the acks whose messages are handed over now; all of them for a room no longer tracked. */
  private releaseWaiting(room: RoomRelays, all = false): void {
    while (room.waiting.length > 0 && (all || (room.last !== undefined && room.waiting[0].seq <= room.last))) room.waiting.shift()?.release();
  }

  /** Stops tracking a room: nothing more is handed over through it, so no ack waits for it. */
  private forget(roomKey: string, room: RoomRelays): void {
    if (this.rooms.get(roomKey) === room) this.rooms.delete(roomKey);
    this.releaseWaiting(room, true);
  }

  /**
   * Reads and hands over the held messages above `last` (the room's last handed over; it stays so
   * while the read is out, since arrivals queue meanwhile) up to `to` (undefined: the room's latest).
   */
  private async fill(roomKey: string, room: RoomRelays, last: number, to: number | undefined): Promise<void> {
    room.filling = true;
    const read = await this.readHeld(roomKey, last + 1, to);
    room.filling = false;
    if (this.rooms.get(roomKey) !== room) return;
    if (read === 'gone') {
      this.forget(roomKey, room);
      return;
    }
    let handed = last;
    let unfilled = 0;
    for (const { senderSocketId, message } of read.messages) {
      if (message.seq <= handed) continue;
      unfilled += message.seq - handed - 1;
      handed = message.seq;
      this.sockets.relay(roomKey, senderSocketId, message);
    }
    const target = to ?? read.latest;
    if (target > handed) {
      unfilled += target - handed;
      handed = target;
    }
    room.last = handed;
    if (unfilled > 0 || read.error !== undefined) this.onUnfilled(unfilled, read.error);
    this.handOver(roomKey, room);
  }

  /**
   * The held messages of the room from `from` to `to`, and its latest seq; 'gone' when the room
   * is. A read that failed, or a payload this version cannot read, leaves those seqs unfilled.
   */
  private async readHeld(roomKey: string, from: number, to: number | undefined): Promise<{ latest: number; messages: RelayPayload[]; error?: unknown } | 'gone'> {
    const keys = [redisKeys.room(roomKey), redisKeys.roomHeld(roomKey), redisKeys.roomHeldOrder(roomKey)];
    try {
      const reply = (await FILL.runForBuffers(this.commands, keys, [from, to ?? ''])) as [number, ...Buffer[]] | null;
      if (reply === null) return 'gone';
      const [latest, ...payloads] = reply;
      return { latest, messages: payloads.map(readRelayPayload) };
    } catch (error) {
      return { latest: from - 1, messages: [], error };
    }
  }
}
