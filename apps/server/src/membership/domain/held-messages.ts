import { DEFAULT_LIMITS, type RelayedMessage, type SeqRange } from '@ciphernest/protocol';
import { Arena, ARENA_BOX_BYTES, RecordQueue } from './held-arena';

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

/** A held message as given back: its fields as relayed (the box a view of what is held), with the session that sent it. */
export interface HeldMessage {
  readonly message: RelayedMessage;
  /** The sender's session: a resuming socket never gets its own session's messages. */
  readonly senderSessionId: string;
  readonly bytes: number;
}

/** The fields of a held message's record in its room's RecordQueue. */
const SEQ = 0;
const TS = 1;
const ID_AT = 2;
const ID_LENGTH = 3;
const BOX_AT = 4;
const BOX_LENGTH = 5;
const SENDER = 6;
const ROOM_FIELDS = 7;

/** The fields of a record in the process's queue: which room, which of its messages, and when. */
const ROOM = 0;
const ALL_SEQ = 1;
const ALL_TS = 2;
const ALL_FIELDS = 3;

/**
 * A room's held messages, oldest first, in seq order: a record of numbers each (seq, ts, where
 * its id and box are in the room's arena, its sender), the ids and boxes in the arena, and the
 * room's senders once each. Boxes over ARENA_BOX_BYTES are adopted rather than copied.
 */
class RoomHold {
  readonly records = new RecordQueue(ROOM_FIELDS);
  readonly arena = new Arena();
  bytes = 0;
  private readonly senderIds: string[] = [];
  private readonly senderNames: string[] = [];
  private readonly senderIndex = new Map<string, number>();

  constructor(
    readonly roomKey: string,
    readonly serial: number,
  ) {}

  get length(): number {
    return this.records.length;
  }

  /** The oldest held seq; undefined when none is. */
  get lowestSeq(): number | undefined {
    return this.records.length > 0 ? this.records.get(0, SEQ) : undefined;
  }

  push(senderSessionId: string, message: RelayedMessage, bytes: number): void {
    const box = message.box instanceof ArrayBuffer ? new Uint8Array(message.box) : message.box;
    const idAt = this.arena.copyLatin1(message.id);
    const boxAt = box.byteLength > ARENA_BOX_BYTES ? this.arena.adopt(box) : this.arena.copy(box);
    const index = this.records.push();
    this.records.set(index, SEQ, message.seq);
    this.records.set(index, TS, message.ts);
    this.records.set(index, ID_AT, idAt);
    this.records.set(index, ID_LENGTH, message.id.length);
    this.records.set(index, BOX_AT, boxAt);
    this.records.set(index, BOX_LENGTH, box.byteLength);
    this.records.set(index, SENDER, this.sender(senderSessionId, message.from));
    this.bytes += bytes;
  }

  /** Drops the oldest; its bytes. */
  shift(): number {
    const bytes = this.records.get(0, BOX_LENGTH) + HELD_OVERHEAD_BYTES;
    this.records.shift();
    this.bytes -= bytes;
    this.arena.release(this.records.length > 0 ? this.records.get(0, ID_AT) : Number.POSITIVE_INFINITY);
    return bytes;
  }

  /** The `index`-th held message from the oldest, as it was relayed (its box a view of the arena). */
  read(index: number): HeldMessage {
    const get = (field: number): number => this.records.get(index, field);
    const sender = get(SENDER);
    const boxLength = get(BOX_LENGTH);
    const message: RelayedMessage = {
      id: this.arena.readLatin1(get(ID_AT), get(ID_LENGTH)),
      from: this.senderNames[sender],
      ts: get(TS),
      seq: get(SEQ),
      box: this.arena.view(get(BOX_AT), boxLength),
    };
    return { message, senderSessionId: this.senderIds[sender], bytes: boxLength + HELD_OVERHEAD_BYTES };
  }

  clear(): void {
    this.records.clear();
    this.arena.clear();
    this.bytes = 0;
  }

  /** A session's index among the room's senders (its name does not change while it lasts). */
  private sender(sessionId: string, name: string): number {
    let index = this.senderIndex.get(sessionId);
    if (index === undefined) {
      index = this.senderIds.length;
      this.senderIds.push(sessionId);
      this.senderNames.push(name);
      this.senderIndex.set(sessionId, index);
    }
    return index;
  }
}

/** The process's queue is compacted once more than half of it (and this many) are dropped entries. */
const COMPACT_AFTER = 1024;

/**
 * The messages a server process holds for resuming (docs/protocol.md §5.1): each room's, oldest
 * first, in seq order, for `holdMs` after their `ts`, within a room's bytes and the process's.
 * What is held is always a room's newest messages: every drop takes a room's oldest, so the
 * held ones are the seqs from `lowestHeld` to the room's latest, none missing. Memory only;
 * everything of a room goes with it, its boxes at once: a dropped message's bytes are let go of
 * as soon as nothing older of its room is held, so the byte limits bound the memory held, not
 * only the count. Held as numbers and bytes (held-arena.ts), not as objects per message.
 */
export class HeldMessages {
  private readonly rooms = new Map<string, RoomHold>();
  /** The rooms of `rooms` by serial: an entry of `all` whose room is not here was dropped with it. */
  private readonly bySerial = new Map<number, RoomHold>();
  private nextSerial = 1;
  /** Every held message of the process, oldest first, and dropped ones not yet skipped or compacted away. */
  private readonly all = new RecordQueue(ALL_FIELDS);
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
      room = new RoomHold(roomKey, this.nextSerial++);
      this.rooms.set(roomKey, room);
      this.bySerial.set(room.serial, room);
    }
    const bytes = message.box.byteLength + HELD_OVERHEAD_BYTES;
    room.push(senderSessionId, message, bytes);
    const index = this.all.push();
    this.all.set(index, ROOM, room.serial);
    this.all.set(index, ALL_SEQ, message.seq);
    this.all.set(index, ALL_TS, message.ts);
    this.total += bytes;
    while (room.bytes > this.limits.roomBytes && room.length > 1) this.dropOldest(room);
    while (this.total > this.limits.totalBytes && this.dropProcessOldest(room.serial, message.seq)) {
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
    const lowestHeld = room?.lowestSeq ?? latestSeq + 1;
    const messages: HeldMessage[] = [];
    if (room) {
      let index = 0;
      while (index < room.length && room.records.get(index, SEQ) <= afterSeq) index += 1;
      for (; index < room.length; index += 1) messages.push(room.read(index));
    }
    return { messages, lowestHeld };
  }

  /** Drops everything held longer than `holdMs`, oldest first. */
  forgetExpired(now: number): void {
    while (this.all.length > 0) {
      const room = this.heldRoomOf(0);
      if (room) {
        if (now - this.all.get(0, ALL_TS) < this.limits.holdMs) return;
        this.dropOldest(room);
      }
      this.shiftAll();
    }
  }

  /** Forgets everything held for the room (it ended). */
  dropRoom(roomKey: string): void {
    const room = this.rooms.get(roomKey);
    if (!room) return;
    this.droppedInAll += room.length;
    this.total -= room.bytes;
    this.forgetRoom(room);
    this.compact();
  }

  /** The room of the process queue's `index`-th entry while that entry's message is still held. */
  private heldRoomOf(index: number): RoomHold | undefined {
    const room = this.bySerial.get(this.all.get(index, ROOM));
    const lowest = room?.lowestSeq;
    // A room's drops take its oldest, so a message of a live room is held from its lowest seq up.
    return lowest !== undefined && this.all.get(index, ALL_SEQ) >= lowest ? room : undefined;
  }

  private dropOldest(room: RoomHold): void {
    if (room.length === 0) return;
    this.total -= room.shift();
    this.droppedInAll += 1;
    if (room.length === 0) this.forgetRoom(room);
  }

  private forgetRoom(room: RoomHold): void {
    room.clear();
    this.rooms.delete(room.roomKey);
    this.bySerial.delete(room.serial);
  }

  /** Drops the process's oldest held message, but never the newest (room `serial`, `seq`); false when nothing else is left. */
  private dropProcessOldest(serial: number, seq: number): boolean {
    while (this.all.length > 0) {
      if (this.all.get(0, ROOM) === serial && this.all.get(0, ALL_SEQ) === seq) return false;
      const room = this.heldRoomOf(0);
      if (room) {
        this.dropOldest(room);
        this.shiftAll();
        return true;
      }
      this.shiftAll();
    }
    return false;
  }

  private shiftAll(): void {
    if (this.all.length === 0) return;
    if (!this.heldRoomOf(0)) this.droppedInAll -= 1;
    this.all.shift();
  }

  /**
   * Drops from the process's queue the entries dropped behind its head (a room's limit, a room's
   * end): otherwise they would stay until the entries before them expire, one per message relayed.
   */
  private compact(): void {
    if (this.droppedInAll < COMPACT_AFTER || this.droppedInAll * 2 < this.all.length) return;
    this.all.retain((index) => this.heldRoomOf(index) !== undefined);
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
