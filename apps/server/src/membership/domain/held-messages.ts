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

interface Entry extends HeldMessage {
  readonly roomKey: string;
  /** Set once it is dropped from its room: the process's queue skips it then. */
  dropped: boolean;
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

  /** The items from the first for which `from` is true, in order. */
  *from(start: (item: T) => boolean): Generator<T> {
    let index = this.head;
    while (index < this.items.length && !start(this.items[index])) index += 1;
    for (; index < this.items.length; index += 1) yield this.items[index];
  }
}

class RoomHold {
  readonly entries = new Queue<Entry>();
  bytes = 0;
}

/**
 * The messages a server process holds for resuming (docs/protocol.md §5.1): each room's, oldest
 * first, in seq order, for `holdMs` after their `ts`, within a room's bytes and the process's.
 * What is held is always a room's newest messages: every drop takes a room's oldest, so the
 * held ones are the seqs from `lowestHeld` to the room's latest, none missing. Memory only;
 * everything of a room goes with it.
 */
export class HeldMessages {
  private readonly rooms = new Map<string, RoomHold>();
  /** Every held message of the process, oldest first (dropped ones are skipped as they come up). */
  private readonly all = new Queue<Entry>();
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
    const entry: Entry = { roomKey, message, senderSessionId, bytes, dropped: false };
    room.entries.push(entry);
    room.bytes += bytes;
    this.all.push(entry);
    this.total += bytes;
    while (room.bytes > this.limits.roomBytes && room.entries.length > 1) this.dropOldest(room);
    while (this.total > this.limits.totalBytes && this.dropProcessOldest(entry)) {
      // Each turn drops the process's oldest message, whatever its room.
    }
    this.forgetExpired(now);
  }

  /**
   * The room's held messages with a seq above `afterSeq`, in seq order, and the lowest seq
   * held (the room's latest plus one when none is).
   */
  since(roomKey: string, afterSeq: number, latestSeq: number, now: number): { messages: HeldMessage[]; lowestHeld: number } {
    this.forgetExpired(now);
    const room = this.rooms.get(roomKey);
    const lowestHeld = room?.entries.peek()?.message.seq ?? latestSeq + 1;
    const messages = room ? [...room.entries.from((entry) => entry.message.seq > afterSeq)] : [];
    return { messages, lowestHeld };
  }

  /** Drops everything held longer than `holdMs`, oldest first. */
  forgetExpired(now: number): void {
    for (let oldest = this.all.peek(); oldest; oldest = this.all.peek()) {
      if (!oldest.dropped) {
        if (now - oldest.message.ts < this.limits.holdMs) return;
        const room = this.rooms.get(oldest.roomKey);
        if (room) this.dropOldest(room);
      }
      this.all.shift();
    }
  }

  /** Forgets everything held for the room (it ended). */
  dropRoom(roomKey: string): void {
    const room = this.rooms.get(roomKey);
    if (!room) return;
    for (let entry = room.entries.shift(); entry; entry = room.entries.shift()) entry.dropped = true;
    this.total -= room.bytes;
    this.rooms.delete(roomKey);
  }

  private dropOldest(room: RoomHold): void {
    const entry = room.entries.shift();
    if (!entry) return;
    entry.dropped = true;
    room.bytes -= entry.bytes;
    this.total -= entry.bytes;
    if (room.entries.length === 0) this.rooms.delete(entry.roomKey);
  }

  /** Drops the process's oldest held message, but never `newest`; false when nothing else is left. */
  private dropProcessOldest(newest: Entry): boolean {
    for (let oldest = this.all.peek(); oldest; oldest = this.all.peek()) {
      if (oldest === newest) return false;
      if (!oldest.dropped) {
        const room = this.rooms.get(oldest.roomKey);
        if (room) this.dropOldest(room);
        this.all.shift();
        return true;
      }
      this.all.shift();
    }
    return false;
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
