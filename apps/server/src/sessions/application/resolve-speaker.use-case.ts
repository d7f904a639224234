import { fail, ok, type Result } from '../../shared/result';
import type { Session } from '../domain/session';
import type { SessionRepository } from './ports/session.repository';

/**
 * The session behind a socket, checked on everything a client sends besides messages (whose
 * delivery checks it in the same step as the stamp): it must still exist and that socket must be
 * its current one. Errors: SESSION_NOT_FOUND.
 */
export class ResolveSpeaker {
  constructor(private readonly sessions: SessionRepository) {}

  async execute(sessionId: string, socketId: string): Promise<Result<Session, 'SESSION_NOT_FOUND'>> {
    const session = await this.sessions.get(sessionId);
    return session && session.socketId === socketId ? ok(session) : fail('SESSION_NOT_FOUND');
  }
}
