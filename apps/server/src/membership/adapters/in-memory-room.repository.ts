import { AddressHoldings } from './address-holdings';
import type { AddressQuota } from '../domain/address-quota';
import { MessageLog, type MessageStamp } from '../domain/message-log';
import type { Room } from '../domain/room';
import { RoomRepository, type RoomInsertion } from '../application/ports/room.repository';

interface HeldRoom {
  room: Room;
  messages: MessageLog;
  skeleton: string;
}

/** Rooms in this process's memory: the default store; a restart forgets them all. */
export class InMemoryRoomRepository extends RoomRepository {
  private readonly rooms = new Map<string, HeldRoom>();
  private readonly holdings = new AddressHoldings();
  /** The skeletons of the rooms' names (RoomRepository.insert). */
  private readonly skeletons = new Set<string>();

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
    return this.rooms.delete(key);
  }

  async list(): Promise<Room[]> {
    return [...this.rooms.values()].map((held) => held.room);
  }

  /**
   * Stamps a message id in the room's MessageLog, synchronously: LocalMessageDelivery stamps
   * and hands over in one step. Undefined when the room is gone.
   */
  stamp(key: string, id: string, now: number): MessageStamp | undefined {
    return this.rooms.get(key)?.messages.accept(id, now);
  }
}
