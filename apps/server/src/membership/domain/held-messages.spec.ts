import fc from 'fast-check';
import type { RelayedMessage } from '@ciphernest/protocol';
import { HELD_OVERHEAD_BYTES, HeldMessages, missedRange, type HoldLimits } from './held-messages';

const T0 = 1_700_000_000_000;
const LIMITS: HoldLimits = { holdMs: 1_000, roomBytes: 10_000, totalBytes: 25_000 };

/** A relayed message of `room`'s with `seq`, a box of `bytes` bytes, stamped at `ts`. */
function relayed(seq: number, bytes: number, ts = T0): RelayedMessage {
  return { id: `message-${String(seq).padStart(10, '0')}`, from: 'alice', ts, seq, box: new Uint8Array(bytes).fill(seq % 251) };
}

/** A message's fields, its box as plain bytes (a held box is a view of what is held, not the relayed object). */
function fieldsOf(message: RelayedMessage): Omit<RelayedMessage, 'box'> & { box: number[] } {
  const box = message.box instanceof ArrayBuffer ? new Uint8Array(message.box) : message.box;
  return { ...message, box: [...box] };
}

/** The seqs `held` holds for `room` (latest: the room's latest seq). */
function heldSeqs(held: HeldMessages, room: string, latest: number, now = T0): number[] {
  return held.since(room, 0, latest, now).messages.map(({ message }) => message.seq);
}

/**
 * The entries of the process's queue that still reference a message, and all of them. No
 * production code asks, but that dropped messages are let go of at once is the point of those
 * cases, so they look inside.
 */
interface HeldInternals {
  all: { length: number };
  rooms: Map<string, { length: number; arena: { chunks: Uint8Array[]; head: number } }>;
}

function processQueue(held: HeldMessages): { live: number; length: number; chunkBytes: number } {
  const { all, rooms } = held as unknown as HeldInternals;
  const live = [...rooms.values()].reduce((sum, room) => sum + room.length, 0);
  const chunkBytes = [...rooms.values()].reduce((sum, { arena }) => sum + arena.chunks.slice(arena.head).reduce((bytes, chunk) => bytes + chunk.byteLength, 0), 0);
  return { live, length: all.length, chunkBytes };
}

/** Holds `count` messages of `bytes` bytes in `room`, seqs from `from`, at `ts`; returns the last seq. */
function holdMany(held: HeldMessages, room: string, from: number, count: number, bytes: number, ts = T0): number {
  for (let seq = from; seq < from + count; seq++) held.hold(room, 'sender', relayed(seq, bytes, ts), ts);
  return from + count - 1;
}

describe('HeldMessages', () => {
  it('gives back the messages above a seq, in seq order, exactly as held, with their senders', () => {
    const held = new HeldMessages(LIMITS);
    const messages = [relayed(1, 10), relayed(2, 20), relayed(3, 30)];
    messages.forEach((message, index) => held.hold('room', `session-${index}`, message, T0));

    const since = held.since('room', 1, 3, T0);

    expect(since.lowestHeld).toBe(1);
    expect(since.messages.map(({ message, senderSessionId, bytes }) => ({ message: fieldsOf(message), senderSessionId, bytes }))).toEqual([
      { message: fieldsOf(messages[1]), senderSessionId: 'session-1', bytes: 20 + HELD_OVERHEAD_BYTES },
      { message: fieldsOf(messages[2]), senderSessionId: 'session-2', bytes: 30 + HELD_OVERHEAD_BYTES },
    ]);
    expect(Object.keys(since.messages[0].message)).toEqual(Object.keys(messages[1]));
  });

  it('gives back a box larger than what is copied (adopted as it came) byte for byte', () => {
    const held = new HeldMessages({ ...LIMITS, roomBytes: 1_000_000, totalBytes: 1_000_000 });
    const large = relayed(1, 100_000);
    const small = relayed(2, 10);
    held.hold('room', 'sender', large, T0);
    held.hold('room', 'sender', small, T0);

    expect(held.since('room', 0, 2, T0).messages.map(({ message }) => fieldsOf(message))).toEqual([fieldsOf(large), fieldsOf(small)]);
  });

  it('counts a box plus at most 1 KiB for each message', () => {
    const held = new HeldMessages(LIMITS);
    held.hold('room', 'sender', relayed(1, 100), T0);

    expect(held.bytes).toBe(100 + HELD_OVERHEAD_BYTES);
    expect(HELD_OVERHEAD_BYTES).toBeLessThanOrEqual(1_024);
  });

  it('answers the latest seq plus one as the lowest held when the room holds nothing', () => {
    const held = new HeldMessages(LIMITS);

    expect(held.since('room', 0, 7, T0)).toEqual({ messages: [], lowestHeld: 8 });
  });

  it('holds nothing when holdMs is 0', () => {
    const held = new HeldMessages({ ...LIMITS, holdMs: 0 });
    held.hold('room', 'sender', relayed(1, 10), T0);

    expect(held.bytes).toBe(0);
    expect(held.since('room', 0, 1, T0)).toEqual({ messages: [], lowestHeld: 2 });
  });

  it('drops what was held for holdMs, and keeps what is younger', () => {
    const held = new HeldMessages(LIMITS);
    held.hold('room', 'sender', relayed(1, 10, T0), T0);
    held.hold('room', 'sender', relayed(2, 10, T0 + 500), T0 + 500);

    expect(heldSeqs(held, 'room', 2, T0 + 999)).toEqual([1, 2]);
    expect(heldSeqs(held, 'room', 2, T0 + 1_000)).toEqual([2]);
    held.forgetExpired(T0 + 1_500);
    expect(held.bytes).toBe(0);
    expect(held.since('room', 0, 2, T0 + 1_500).lowestHeld).toBe(3);
  });

  it("drops the room's oldest first at the room's limit", () => {
    const held = new HeldMessages(LIMITS);
    const latest = holdMany(held, 'room', 1, 6, 3_000);

    expect(heldSeqs(held, 'room', latest)).toEqual([4, 5, 6]);
    expect(held.bytes).toBe(3 * (3_000 + HELD_OVERHEAD_BYTES));
  });

  it("keeps a room's newest message even when it alone is over the room's limit", () => {
    const held = new HeldMessages(LIMITS);
    holdMany(held, 'room', 1, 2, 1_000);
    held.hold('room', 'sender', relayed(3, LIMITS.roomBytes), T0);

    expect(heldSeqs(held, 'room', 3)).toEqual([3]);
  });

  it("drops the process's oldest first at the process's limit, whatever its room", () => {
    const held = new HeldMessages({ ...LIMITS, roomBytes: 16_000 });
    holdMany(held, 'quiet', 1, 2, 5_000);
    holdMany(held, 'busy', 1, 3, 5_000);

    expect(heldSeqs(held, 'quiet', 2)).toEqual([2]);
    expect(heldSeqs(held, 'busy', 3)).toEqual([1, 2, 3]);
    expect(held.bytes).toBe(4 * (5_000 + HELD_OVERHEAD_BYTES));
  });

  it("forgets a room's messages and frees their bytes when the room ends; a room of the same key starts empty", () => {
    const held = new HeldMessages(LIMITS);
    holdMany(held, 'ended', 1, 3, 1_000);
    holdMany(held, 'other', 1, 1, 1_000);
    held.dropRoom('ended');

    expect(held.bytes).toBe(1_000 + HELD_OVERHEAD_BYTES);
    expect(held.since('ended', 0, 3, T0)).toEqual({ messages: [], lowestHeld: 4 });
    held.hold('ended', 'sender', relayed(1, 10), T0);
    expect(heldSeqs(held, 'ended', 1)).toEqual([1]);
  });

  it('lets go of every dropped message at once, and its queue stays as short as what it holds', () => {
    const held = new HeldMessages({ holdMs: 60_000, roomBytes: 10_000, totalBytes: 1_000_000 });
    holdMany(held, 'quiet', 1, 1, 10);
    holdMany(held, 'busy', 1, 20_000, 1_000);
    holdMany(held, 'ending', 1, 5, 1_000);
    held.dropRoom('ending');

    const queue = processQueue(held);
    expect(queue.live).toBe(1 + heldSeqs(held, 'busy', 20_000).length);
    expect(queue.length).toBeLessThan(queue.live + 2 * 1_024);
    // What the rooms' arenas keep is within a few times what they hold, not what they ever held.
    expect(queue.chunkBytes).toBeLessThan(4 * (10_000 + 10) + 2 * 4_096);
  });

  describe('under any sequence of holds, expiries and ended rooms (property)', () => {
    type Step = { kind: 'hold'; room: number; bytes: number; advance: number } | { kind: 'drop'; room: number } | { kind: 'expire'; advance: number };
    const ROOMS = ['a', 'b', 'c'];
    const limits: HoldLimits = { holdMs: 1_000, roomBytes: 3_000, totalBytes: 6_000 };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('hold' as const), room: fc.nat(ROOMS.length - 1), bytes: fc.nat(4_000), advance: fc.nat(300) }), weight: 8 },
      { arbitrary: fc.record({ kind: fc.constant('drop' as const), room: fc.nat(ROOMS.length - 1) }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('expire' as const), advance: fc.nat(1_200) }), weight: 1 },
    );

    it('holds a contiguous newest suffix of each room, unexpired, within the limits but for a single newest message, and a dropped room frees its bytes', () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
          const held = new HeldMessages(limits);
          const latest = new Map<string, number>(ROOMS.map((room) => [room, 0]));
          let now = T0;
          for (const current of steps) {
            if (current.kind === 'hold') {
              now += current.advance;
              const room = ROOMS[current.room];
              const seq = latest.get(room)! + 1;
              latest.set(room, seq);
              held.hold(room, 'sender', relayed(seq, current.bytes, now), now);
            } else if (current.kind === 'drop') {
              const room = ROOMS[current.room];
              const roomBytes = held.since(room, 0, latest.get(room)!, now).messages.reduce((sum, { bytes }) => sum + bytes, 0);
              const before = held.bytes;
              held.dropRoom(room);
              latest.set(room, 0);
              expect(held.bytes).toBe(before - roomBytes);
            } else {
              now += current.advance;
              held.forgetExpired(now);
            }

            let total = 0;
            let count = 0;
            for (const room of ROOMS) {
              const { messages, lowestHeld } = held.since(room, 0, latest.get(room)!, now);
              const seqs = messages.map(({ message }) => message.seq);
              const roomBytes = messages.reduce((sum, { bytes }) => sum + bytes, 0);
              expect(seqs).toEqual(Array.from({ length: latest.get(room)! - lowestHeld + 1 }, (_, index) => lowestHeld + index));
              for (const { message } of messages) expect(now - message.ts).toBeLessThan(limits.holdMs);
              if (messages.length > 1) expect(roomBytes).toBeLessThanOrEqual(limits.roomBytes);
              total += roomBytes;
              count += messages.length;
            }
            expect(held.bytes).toBe(total);
            if (count > 1) expect(total).toBeLessThanOrEqual(limits.totalBytes);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('missedRange', () => {
  const senders: Record<number, string> = { 1: 'me', 2: 'other', 3: 'me', 4: 'other', 5: 'other', 6: 'me' };
  const sentBy = (seq: number): string | undefined => senders[seq];

  it('is undefined when everything above the resume is held', () => {
    expect(missedRange(4, 5, 'me', sentBy)).toBeUndefined();
  });

  it('spans the seqs above the resume and below the lowest held', () => {
    expect(missedRange(1, 6, 'someone', sentBy)).toEqual({ from: 2, to: 5 });
  });

  it("leaves out the session's own messages at either end, and keeps those in between inside the range", () => {
    expect(missedRange(0, 7, 'me', sentBy)).toEqual({ from: 2, to: 5 });
  });

  it('is undefined when every seq not held is its own', () => {
    expect(missedRange(0, 2, 'me', sentBy)).toBeUndefined();
  });

  it("counts a seq whose sender the room forgot as another's", () => {
    expect(missedRange(6, 9, 'me', sentBy)).toEqual({ from: 7, to: 8 });
  });
});
