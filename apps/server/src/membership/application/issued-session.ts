import type { Member, RoomInfo } from '@ciphernest/protocol';
import type { Room } from '../domain/room';
import type { Session } from '../domain/session';
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
