import type { Member, RoomInfo } from '@ciphernest/protocol';
import type { Room } from '../domain/room';
import { Session } from '../domain/session';
import type { SessionRepository } from './ports/session.repository';
import type { TokenService } from '../../tokens/application/ports/token-service';

/** What a create or a join hands back: the token, the session's vault, the room and its members. */
export interface IssuedSession {
  token: string;
  /** Only for this session's own answer; never log it. */
  vault: string;
  room: RoomInfo;
  members: Member[];
  session: Session;
}

/** Who a new session is for: the username (its normal form and key) and the client address its token is bound to. */
export interface SessionHolder {
  username: { name: string; key: string };
  address: string;
}

/** A new session of `holder` in the room, with a fresh id and vault (not stored yet). */
export function startSession(tokens: TokenService, roomKey: string, holder: SessionHolder, creator: boolean, now: number): Session {
  const { username, address } = holder;
  return Session.start({ id: tokens.newSessionId(), vault: tokens.newVault(), roomKey, name: username.name, userKey: username.key, address, creator, createdAt: now });
}

/**
 * The answer to a create or a join whose session was just stored: a token bound to the
 * session, its room, its username and the client address, and the room's members as they are
 * now. Security: the token and the vault are secrets; never log them.
 */
export async function issueSession(
  tokens: TokenService,
  sessions: SessionRepository,
  room: Room,
  session: Session,
): Promise<IssuedSession> {
  const token = tokens.issue({
    sessionId: session.id,
    roomKey: session.roomKey,
    userKey: session.userKey,
    address: session.address,
  });
  const members = (await sessions.inRoom(room.key)).map((member) => member.toMember());
  return { token, vault: session.vault, room: room.info(), members, session };
}
