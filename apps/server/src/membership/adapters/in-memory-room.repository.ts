import type { RelayedMessage } from '@ciphernest/protocol';
import { AddressHoldings } from './address-holdings';
import { DEFAULT_HOLD_LIMITS, HeldMessages, type HeldMessage, type HoldLimits } from '../domain/held-messages';
import type { AddressQuota } from '../domain/address-quota';
import { MessageLog, type MessageStamp } from '../domain/message-log';
import type { Room } from '../domain/room';
import { RoomRepository, type RoomInsertion } from '../application/ports/room.repository';

interface HeldRoom {
  room: Room;
  messages: MessageLog;
  skeleton: string;
}

/**
 * Rooms in this process's memory: the default store; a restart forgets them all. Each room's
 * message log and held messages (docs/protocol.md §5.1) live and die with it.
 */
export class InMemoryRoomRepository extends RoomRepository {
  private readonly rooms = new Map<string, HeldRoom>();
  private readonly held: HeldMessages;
  private readonly holdings = new AddressHoldings();
  /** The skeletons of the rooms' names (RoomRepository.insert). */
  private readonly skeletons = new Set<string>();

  constructor(holdLimits: HoldLimits = DEFAULT_HOLD_LIMITS) {
    super();
    this.held = new HeldMessages(holdLimits);
  }

  async insert(room: Room, maxRooms: number, skeleton: string, quota?: AddressQuota): Promise<RoomInsertion> {
    if (!this.holdings.allows(quota)) return 'address-full';
    if (this.rooms.has(room.key) || this.skeletons.has(skeleton)) return 'exists';
    if (this.rooms.size >= maxRooms) return 'full';
    this.rooms.set(room.key, { room, messages: new MessageLog(), skeleton });
    this.skeletons.add(skeleton);
    this.holdings.add(room.key, quota);
    return 'inserted';
  }

  async get(key: string): Promise<Room | undefined> {
    return this.rooms.get(key)?.room;
  }

  async remove(key: string): Promise<boolean> {
    this.holdings.remove(key);
    const held = this.rooms.get(key);
    if (held) this.skeletons.delete(held.skeleton);
    this.held.dropRoom(key);
    return this.rooms.delete(key);
  }

  async list(): Promise<Room[]> {
    return [...this.rooms.values()].map((held) => held.room);
  }

  /**
   * Stamps a message id in the room's MessageLog, synchronously: LocalMessageDelivery stamps
   * and hands over in one step. Undefined when the room is gone.
   */
  stamp(key: string, id: string, now: number, senderSessionId: string): MessageStamp | undefined {
    return this.rooms.get(key)?.messages.accept(id, now, senderSessionId);
  }

  /** Holds a message the room just relayed (synchronously, in the step that stamped it). */
  hold(key: string, senderSessionId: string, message: RelayedMessage, now: number): void {
    if (this.rooms.has(key)) this.held.hold(key, senderSessionId, message, now);
  }

  /** The room's latest seq; undefined when it is gone. */
  latestSeq(key: string): number | undefined {
    return this.rooms.get(key)?.messages.seq;
  }

  /** The room's held messages above `afterSeq` and the lowest seq held (HeldMessages.since). */
  heldSince(key: string, afterSeq: number, now: number): { messages: HeldMessage[]; lowestHeld: number } | undefined {
    const room = this.rooms.get(key);
    return room && this.held.since(key, afterSeq, room.messages.seq, now);
  }

  /** Who sent `seq` in the room, while its log remembers (MessageLog.senderOf). */
  senderOf(key: string, seq: number): string | undefined {
    return this.rooms.get(key)?.messages.senderOf(seq);
  }

  forgetExpired(now: number): void {
    this.held.forgetExpired(now);
  }
}
