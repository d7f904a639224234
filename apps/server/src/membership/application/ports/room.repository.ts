import type { AddressQuota } from '../../domain/address-quota';
import type { Room } from '../../domain/room';

export type RoomInsertion = 'inserted' | 'exists' | 'full' | 'address-full';

/**
 * Where rooms live while they have members. Keys are room keys (docs/protocol.md §1).
 * Security: holds verifier hashes and kdf salts, never messages.
 */
export abstract class RoomRepository {
  /**
   * Adds the room, atomically, unless the creator's address key already holds `quota.max` rooms
   * (`address-full`, checked first), its key or its `skeleton` is taken (`exists`) or `maxRooms`
   * rooms exist (`full`). `skeleton` is the look-alike form of its name (the caller's
   * `nameSkeleton`, the same for names of one key): no two rooms share one while they live. An
   * inserted room counts toward `quota.key` until it is removed.
   */
  abstract insert(room: Room, maxRooms: number, skeleton: string, quota?: AddressQuota): Promise<RoomInsertion>;

  abstract get(key: string): Promise<Room | undefined>;

  /** Forgets the room and everything held for it (its count toward its creator's address key too); false when it was not there. */
  abstract remove(key: string): Promise<boolean>;

  abstract list(): Promise<Room[]>;
}
