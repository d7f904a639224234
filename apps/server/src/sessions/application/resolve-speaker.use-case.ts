import { andThen, type Awaitable } from '../../shared/awaitable';
import { fail, ok, type Result } from '../../shared/result';
import type { Session } from '../domain/session';
import type { SessionRepository } from './ports/session.repository';

/**
 * The session behind a socket, checked on everything a client sends: it must still exist and
 * that socket must be its current one. Errors: SESSION_NOT_FOUND. Synchronous when the
 * repository answers synchronously (it runs once per message).
 */
export class ResolveSpeaker {
  constructor(private readonly sessions: SessionRepository) {}

  execute(sessionId: string, socketId: string): Awaitable<Result<Session, 'SESSION_NOT_FOUND'>> {
    return andThen(this.sessions.get(sessionId), (session) => (session && session.socketId === socketId ? ok(session) : fail('SESSION_NOT_FOUND')));
  }
}
