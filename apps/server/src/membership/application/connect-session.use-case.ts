import type { Member, RoomInfo } from '@ciphernest/protocol';
import { fail, ok, type Result } from '../../shared/result';
import type { Clock } from '../../shared/clock';
import type { RoomEvents } from './ports/room-events';
import type { RoomRepository } from './ports/room.repository';
import type { Arrival } from '../domain/session';
import { changeSession } from './change-session';
import type { SessionRepository } from './ports/session.repository';

export interface Connected {
  room: RoomInfo;
  members: Member[];
  /** The session's vault, for its own `presence` only; never log it. */
  vault: string;
  arrival: Arrival;
  /** Session.sinceSeq: nothing up to it is replayed to the session. */
  sinceSeq: number;
}

/**
 * Attaches a socket to a session. The others hear `joined` the first time, `back` after an
 * away spell, nothing when a newer socket replaces an older one (the caller closes that one).
 * Errors: SESSION_NOT_FOUND (the session or its room ended meanwhile).
 * Security: the answer carries the session's vault, for that session's socket alone.
 */
export class ConnectSession {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly sessions: SessionRepository,
    private readonly events: RoomEvents,
    private readonly clock: Clock,
  ) {}

  async execute(sessionId: string, socketId: string): Promise<Result<Connected, 'SESSION_NOT_FOUND'>> {
    const changed = await changeSession(this.sessions, sessionId, (session) => session.attach(socketId));
    const room = changed && (await this.rooms.get(changed.session.roomKey));
    if (!changed?.outcome || !room) return fail('SESSION_NOT_FOUND');
    const { session, outcome: arrival } = changed;
    if (arrival.kind !== 'replaced') {
      this.events.memberChanged({
        roomKey: room.key,
        sessionId,
        type: arrival.kind,
        name: session.name,
        at: this.clock.now(),
      });
    }
    const members = (await this.sessions.inRoom(room.key)).map((member) => member.toMember());
    return ok({ room: room.info(), members, vault: session.vault, arrival, sinceSeq: session.sinceSeq });
  }
}
