import { DEFAULT_LIMITS, type RelayedMessage, type SeqRange } from '@ciphernest/protocol';

/** How long and how much is held for resuming (docs/protocol.md §5.1, §7). */
export interface HoldLimits {
  /** REPLAY_MS: held this long after its `ts`; 0 holds nothing. */
  holdMs: number;
  /** REPLAY_MAX_BYTES: per room; at the limit the room's oldest goes first. */
  roomBytes: number;
  /** REPLAY_MAX_TOTAL_BYTES: per process; at the limit the process's oldest goes first. */
  totalBytes: number;
}

/** The limits of docs/protocol.md §7 by default. */
export const DEFAULT_HOLD_LIMITS: HoldLimits = {
  holdMs: DEFAULT_LIMITS.replayMs,
  roomBytes: DEFAULT_LIMITS.replayMaxBytes,
  totalBytes: DEFAULT_LIMITS.replayMaxTotalBytes,
};

/**
 * What a held message counts toward the limits besides its box: its id, its sender's name and the
 * fields around them, generously (docs/protocol.md §5.1 allows at most 1 KiB).
 */
export const HELD_OVERHEAD_BYTES = 256;

/** A relayed message as it is held: exactly as relayed, with the session that sent it. */
export interface HeldMessage {
  readonly message: RelayedMessage;
  /** The sender's session: a resuming socket never gets its own session's messages. */
  readonly senderSessionId: string;
  readonly bytes: number;
}

/**
 * A held message in its room's queue and in the process's: one object per message. Dropping it
 * (a limit, its age, its room's end) lets go of its message at once; the process's queue skips
 * it from then on.
 */
interface Entry {
  readonly roomKey: string;
  readonly senderSessionId: string;
  readonly bytes: number;
  /** Undefined once dropped. */
  message: RelayedMessage | undefined;
}

/** A first-in first-out list that drops from its head without shifting (index, compacted now and then). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as T;
    this.head += 1;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Keeps only the items for which `keep` is true, in order. */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.slice(this.head).filter(keep);
    this.head = 0;
  }

  /** The items from the first for which `start` is true, in order. */
  *from(start: (item: T) => boolean): Generator<T> {
    let index = this.head;
    while (index < this.items.length && !start(this.items[index])) index += 1;
    for (; index < this.items.length; index += 1) yield this.items[index];
  }
}

class RoomHold {
  /** Never a dropped entry: a drop takes the entry out of its room's queue. */
  readonly entries = new Queue<Entry>();
  bytes = 0;
}

/** The process's queue is compacted once more than half of it (and this many) are dropped entries. */
const COMPACT_AFTER = 1024;

/**
 * The messages a server process holds for resuming (docs/protocol.md §5.1): each room's, oldest
 * first, in seq order, for `holdMs` after their `ts`, within a room's bytes and the process's.
 * What is held is always a room's newest messages: every drop takes a room's oldest, so the
 * held ones are the seqs from `lowestHeld` to the room's latest, none missing. Memory only;
 * everything of a room goes with it, its boxes at once: a dropped message is no longer
 * referenced, so the byte limits bound the memory held, not only the count.
 */
export class HeldMessages {
  private readonly rooms = new Map<string, RoomHold>();
  /** Every held message of the process, oldest first, and dropped ones not yet skipped or compacted away. */
  private readonly all = new Queue<Entry>();
  /** Dropped entries still in `all`. */
  private droppedInAll = 0;
  private total = 0;

  constructor(private readonly limits: HoldLimits) {}

  /** Bytes held by the process now. */
  get bytes(): number {
    return this.total;
  }

  /**
   * Holds a message that was just relayed (the room's newest). A room always keeps its newest
   * message, even when it alone is over a byte limit (REPLAY_MAX_BYTES is at least
   * MAX_MESSAGE_BYTES, but its id and name count too).
   */
  hold(roomKey: string, senderSessionId: string, message: RelayedMessage, now: number): void {
    if (this.limits.holdMs === 0) return;
    let room = this.rooms.get(roomKey);
    if (!room) {
      room = new RoomHold();
      this.rooms.set(roomKey, room);
    }
    const bytes = message.box.byteLength + HELD_OVERHEAD_BYTES;
    const entry: Entry = { roomKey, senderSessionId, bytes, message };
    room.entries.push(entry);
    room.bytes += bytes;
    this.all.push(entry);
    this.total += bytes;
    while (room.bytes > this.limits.roomBytes && room.entries.length > 1) this.dropOldest(room);
    while (this.total > this.limits.totalBytes && this.dropProcessOldest(entry)) {
      // Each turn drops the process's oldest message, whatever its room.
    }
    this.forgetExpired(now);
    this.compact();
  }

  /**
   * The room's held messages with a seq above `afterSeq`, in seq order, and the lowest seq
   * held (the room's latest plus one when none is).
   */
  since(roomKey: string, afterSeq: number, latestSeq: number, now: number): { messages: HeldMessage[]; lowestHeld: number } {
    this.forgetExpired(now);
    const room = this.rooms.get(roomKey);
    const lowestHeld = room?.entries.peek()?.message?.seq ?? latestSeq + 1;
    const messages: HeldMessage[] = [];
    for (const { message, senderSessionId, bytes } of room?.entries.from((entry) => (entry.message?.seq ?? 0) > afterSeq) ?? []) {
      if (message) messages.push({ message, senderSessionId, bytes });
    }
    return { messages, lowestHeld };
  }

  /** Drops everything held longer than `holdMs`, oldest first. */
  forgetExpired(now: number): void {
    for (let oldest = this.all.peek(); oldest; oldest = this.all.peek()) {
      if (oldest.message) {
        if (now - oldest.message.ts < this.limits.holdMs) return;
        const room = this.rooms.get(oldest.roomKey);
        if (room) this.dropOldest(room);
      }
      this.shiftAll();
    }
  }

  /** Forgets everything held for the room (it ended). */
  dropRoom(roomKey: string): void {
    const room = this.rooms.get(roomKey);
    if (!room) return;
    for (let entry = room.entries.shift(); entry; entry = room.entries.shift()) this.release(entry);
    this.total -= room.bytes;
    this.rooms.delete(roomKey);
    this.compact();
  }

  private dropOldest(room: RoomHold): void {
    const entry = room.entries.shift();
    if (!entry) return;
    room.bytes -= entry.bytes;
    this.total -= entry.bytes;
    this.release(entry);
    if (room.entries.length === 0) this.rooms.delete(entry.roomKey);
  }

  /** Drops the process's oldest held message, but never `newest`; false when nothing else is left. */
  private dropProcessOldest(newest: Entry): boolean {
    for (let oldest = this.all.peek(); oldest; oldest = this.all.peek()) {
      if (oldest === newest) return false;
      if (oldest.message) {
        const room = this.rooms.get(oldest.roomKey);
        if (room) this.dropOldest(room);
        this.shiftAll();
        return true;
      }
      this.shiftAll();
    }
    return false;
  }

  /** Lets go of a dropped entry's message (its box above all); the process's queue skips it. */
  private release(entry: Entry): void {
    entry.message = undefined;
    this.droppedInAll += 1;
  }

  private shiftAll(): void {
    const entry = this.all.shift();
    if (entry && !entry.message) this.droppedInAll -= 1;
  }

  /**
   * Drops from the process's queue the entries dropped behind its head (a room's limit, a room's
   * end): otherwise they would stay until the entries before them expire, one per message relayed.
   */
  private compact(): void {
    if (this.droppedInAll < COMPACT_AFTER || this.droppedInAll * 2 < this.all.length) return;
    this.all.retain((entry) => entry.message !== undefined);
    this.droppedInAll = 0;
  }
}

/**
 * What a resuming socket should have had that is no longer held (docs/protocol.md §5.1): the
 * seqs above `afterSeq` and below `lowestHeld` that another session sent. `sentBy` tells a
 * seq's sender where the room still knows it (undefined: counted as another's).
 */
export function missedRange(afterSeq: number, lowestHeld: number, sessionId: string, sentBy: (seq: number) => string | undefined): SeqRange | undefined {
  let from = afterSeq + 1;
  let to = lowestHeld - 1;
  while (from <= to && sentBy(from) === sessionId) from += 1;
  while (to >= from && sentBy(to) === sessionId) to -= 1;
  return from <= to ? { from, to } : undefined;
}
