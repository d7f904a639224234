import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import type { RoomRepository } from './ports/room.repository';
import type { TokenService } from '../../tokens/application/ports/token-service';
import type { JoinRoomError } from '../domain/session.errors';
import type { SessionRepository } from './ports/session.repository';
import { issueSession, startSession, type IssuedSession } from './issue-session';

export interface JoinRoomInput {
  roomKey: string;
  /** Normalised name, its key (docs/protocol.md §1) and its skeleton (shared/name-skeleton.ts), already validated. */
  username: { name: string; key: string; skeleton: string };
  verifier: string;
  /** The client address the token is bound to. */
  address: string;
  /** What the per-address cap counts under: `addressKey(address)` (an IPv6 address's network). */
  addressKey: string;
}

export interface JoinRoomLimits {
  /** Sessions per room: MAX_MEMBERS_PER_ROOM. */
  maxMembers: number;
  /** Live sessions issued to one address key, in any room: MAX_SESSIONS_PER_ADDRESS. */
  maxSessionsPerAddress: number;
}

/**
 * Adds a session to an existing room for a joiner who holds the room's password.
 * Errors, in this order: ROOM_NOT_FOUND, BAD_CREDENTIALS (checked before anything about the
 * room's members is revealed), SESSIONS_PER_ADDRESS (429 RATE_LIMITED on the wire: the address
 * key holds `maxSessionsPerAddress` live sessions; checked with the insert, so only a right
 * password learns of it), USERNAME_TAKEN (a member has the name or one that looks the same: the
 * same skeleton), ROOM_FULL.
 * Security: the verifier is compared by hash in constant time and never logged.
 */
export class JoinRoom {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly limits: JoinRoomLimits,
  ) {}

  async execute(input: JoinRoomInput): Promise<Result<IssuedSession, JoinRoomError>> {
    const room = await this.rooms.get(input.roomKey);
    if (!room) return fail('ROOM_NOT_FOUND');
    if (!room.admits(input.verifier)) return fail('BAD_CREDENTIALS');
    const session = startSession(this.tokens, room.key, input, false, this.clock.now());
    const insertion = await this.sessions.insert(session, this.limits.maxMembers, input.username.skeleton, { key: input.addressKey, max: this.limits.maxSessionsPerAddress });
    if (insertion === 'address-full') return fail('SESSIONS_PER_ADDRESS');
    if (insertion === 'taken') return fail('USERNAME_TAKEN');
    if (insertion === 'full') return fail('ROOM_FULL');
    // The room's last session may have ended meanwhile, taking the room with it.
    const current = await this.rooms.get(room.key);
    if (!current?.isSameAs(room)) {
      await this.sessions.remove(session.id);
      return fail('ROOM_NOT_FOUND');
    }
    return ok(await issueSession(this.tokens, this.sessions, room, session));
  }
}
