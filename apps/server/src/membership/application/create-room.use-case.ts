import type { Kdf } from '@ciphernest/protocol';
import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import { Room } from '../domain/room';
import type { CreateRoomError } from '../domain/room.errors';
import { issueSession, startSession, type IssuedSession } from './issue-session';
import type { SessionRepository } from './ports/session.repository';
import type { TokenService } from '../../tokens/application/ports/token-service';
import type { RoomRepository } from './ports/room.repository';

export interface CreateRoomInput {
  /** Normalised name, its key (docs/protocol.md §1) and its skeleton (shared/name-skeleton.ts), already validated. */
  room: { name: string; key: string; skeleton: string };
  username: { name: string; key: string; skeleton: string };
  /** b64url verifier; only its SHA-256 is kept. */
  verifier: string;
  kdf: Kdf;
  /** The client address the creator's token is bound to. */
  address: string;
  /** What the per-address caps count under: `addressKey(address)` (an IPv6 address's network). */
  addressKey: string;
}

export interface CreateRoomLimits {
  /** Rooms the server (or deployment) holds at once: MAX_ROOMS. */
  maxRooms: number;
  /** Rooms that still exist whose creator came from one address key: MAX_ROOMS_PER_ADDRESS. */
  maxRoomsPerAddress: number;
  /** Live sessions issued to one address key, the creator's own included: MAX_SESSIONS_PER_ADDRESS. */
  maxSessionsPerAddress: number;
}

/**
 * Creates a room and its creator's session.
 * Errors, in this order: ROOMS_PER_ADDRESS (rooms created from the address key that still exist
 * number `maxRoomsPerAddress`), ROOM_EXISTS (the key is taken, or a room's name looks the same:
 * its skeleton is taken), CAPACITY (the server holds `maxRooms` rooms), SESSIONS_PER_ADDRESS (the
 * address key holds `maxSessionsPerAddress` live sessions: the room is removed again). Both
 * per-address errors are 429 RATE_LIMITED on the wire.
 * Security: the verifier is hashed at once and never logged.
 */
export class CreateRoom {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly limits: CreateRoomLimits,
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
    const insertion = await this.rooms.insert(room, this.limits.maxRooms, input.room.skeleton, { key: input.addressKey, max: this.limits.maxRoomsPerAddress });
    if (insertion === 'address-full') return fail('ROOMS_PER_ADDRESS');
    if (insertion === 'exists') return fail('ROOM_EXISTS');
    if (insertion === 'full') return fail('CAPACITY');
    const session = startSession(this.tokens, room.key, input, true, now);
    const sessionQuota = { key: input.addressKey, max: this.limits.maxSessionsPerAddress };
    const sessionInsertion = await this.sessions.insert(session, Number.POSITIVE_INFINITY, input.username.skeleton, sessionQuota);
    if (sessionInsertion !== 'inserted') {
      await this.rooms.remove(room.key);
      if (sessionInsertion === 'address-full') return fail('SESSIONS_PER_ADDRESS');
      throw new Error('a new room already had a session: sessions outlived their room');
    }
    return ok(await issueSession(this.tokens, this.sessions, room, session));
  }
}
