import type { Kdf } from '@ciphernest/protocol';
import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import { Room } from '../domain/room';
import type { CreateRoomError } from '../domain/room.errors';
import { Session } from '../../sessions/domain/session';
import { issueSession, type IssuedSession } from '../../sessions/application/issued-session';
import type { SessionRepository } from '../../sessions/application/ports/session.repository';
import type { TokenService } from '../../tokens/application/ports/token-service';
import type { RoomRepository } from './ports/room.repository';

export interface CreateRoomInput {
  /** Normalised name, its key (PROTOCOL.md §1) and its skeleton (shared/name-skeleton.ts), already validated. */
  room: { name: string; key: string; skeleton: string };
  username: { name: string; key: string; skeleton: string };
  /** b64url verifier; only its SHA-256 is kept. */
  verifier: string;
  kdf: Kdf;
  address: string;
}

/**
 * Creates a room and its creator's session.
 * Errors: ROOM_EXISTS (the key is taken, or a room's name looks the same: its skeleton is
 * taken), CAPACITY (the server holds `maxRooms` rooms).
 * Security: the verifier is hashed at once and never logged.
 */
export class CreateRoom {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly maxRooms: number,
  ) {}

  async execute(input: CreateRoomInput): Promise<Result<IssuedSession, CreateRoomError>> {
    const now = this.clock.now();
    const room = Room.open({
      key: input.room.key,
      name: input.room.name,
      creator: input.username.name,
      creatorAddress: input.address,
      createdAt: now,
      kdf: input.kdf,
      verifier: input.verifier,
    });
    const insertion = await this.rooms.insert(room, this.maxRooms, input.room.skeleton);
    if (insertion === 'exists') return fail('ROOM_EXISTS');
    if (insertion === 'full') return fail('CAPACITY');
    const session = Session.start({
      id: this.tokens.newSessionId(),
      roomKey: room.key,
      name: input.username.name,
      userKey: input.username.key,
      address: input.address,
      creator: true,
      createdAt: now,
    });
    if ((await this.sessions.insert(session, Number.POSITIVE_INFINITY, input.username.skeleton)) !== 'inserted') {
      await this.rooms.remove(room.key);
      throw new Error('a new room already had a session: sessions outlived their room');
    }
    return ok(await issueSession(this.tokens, this.sessions, room, session));
  }
}
