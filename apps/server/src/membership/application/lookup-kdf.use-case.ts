import type { Kdf } from '@ciphernest/protocol';
import { fail, ok, type Result } from '../../shared/result';
import type { LookupRoomError } from '../domain/room.errors';
import type { RoomRepository } from './ports/room.repository';

/** The key-derivation parameters a joiner needs. Errors: ROOM_NOT_FOUND. */
export class LookupKdf {
  constructor(private readonly rooms: RoomRepository) {}

  async execute(roomKey: string): Promise<Result<Kdf, LookupRoomError>> {
    const room = await this.rooms.get(roomKey);
    return room ? ok({ ...room.kdf }) : fail('ROOM_NOT_FOUND');
  }
}
