import type { Session } from '../domain/session';
import type { SessionRepository } from './ports/session.repository';

/** Enough for any real contention: one session has at most a few writers at a time. */
const MAX_ATTEMPTS = 8;

export interface SessionChange<T> {
  session: Session;
  /** What `change` answered; undefined when it changed nothing (then nothing was saved). */
  outcome: T | undefined;
}

/**
 * Reads a session, applies `change` and saves it; when another writer saved the session
 * first (another server process, with a shared store), reads it again and applies `change`
 * to the fresh copy. `change` answers undefined when there is nothing to save. Resolves to
 * undefined when the session is gone.
 */
export async function changeSession<T>(
  sessions: SessionRepository,
  id: string,
  change: (session: Session) => T | undefined,
): Promise<SessionChange<T> | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const session = await sessions.get(id);
    if (!session) return undefined;
    const outcome = change(session);
    if (outcome === undefined || (await sessions.save(session))) return { session, outcome };
  }
  throw new Error(`session changed under ${MAX_ATTEMPTS} attempts in a row`);
}
