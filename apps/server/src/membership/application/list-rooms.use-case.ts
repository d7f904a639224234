import type { RoomDirectory } from '@ciphernest/protocol';
import type { SessionRepository } from './ports/session.repository';
import type { RoomRepository } from './ports/room.repository';

/** The room directory (only served where ROOM_DIRECTORY=true): names and member counts. */
export class ListRooms {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly sessions: SessionRepository,
  ) {}

  async execute(): Promise<RoomDirectory> {
    const rooms = await this.rooms.list();
    const entries = await Promise.all(
      rooms.map(async (room) => ({ name: room.name, members: (await this.sessions.inRoom(room.key)).length })),
    );
    return { rooms: entries.sort((a, b) => a.name.localeCompare(b.name)) };
  }
}
