import { fail, ok, type Result } from '../../shared/result';
import type { Session } from '../domain/session';
import type { SessionRepository } from './ports/session.repository';

/**
 * The session behind a socket, checked on everything a client sends besides messages (whose
 * delivery checks it in the same step as the stamp): the speaker rule, Session.speaksIn (the
 * session still exists, is in the room its token names and holds that socket).
 * Errors: SESSION_NOT_FOUND.
 */
export class ResolveSpeaker {
  constructor(private readonly sessions: SessionRepository) {}

  async execute(sessionId: string, roomKey: string, socketId: string): Promise<Result<Session, 'SESSION_NOT_FOUND'>> {
    const session = await this.sessions.get(sessionId);
    return session?.speaksIn(roomKey, socketId) ? ok(session) : fail('SESSION_NOT_FOUND');
  }
}
