import { signal } from '@angular/core';
import type { SessionSecrets } from '@ciphernest/crypto';
import type { SessionStore } from '../../core/session/session-store';

/**
 * The open chat's room key and fingerprint: given with the session, or, after a reload, opened
 * by SessionStore with the vault of the first `presence`. Receiving and sending wait on
 * {@link ready}, which settles once: with the keys, or with undefined when they will never come.
 *
 * Security: the keys live in memory only; the vault is used once and not kept.
 */
export class ChatKeys {
  private readonly state = signal<SessionSecrets | undefined>(undefined);
  private settle: (keys: SessionSecrets | undefined) => void = () => undefined;
  private unlocking = false;

  /** The keys once known (for the fingerprint on screen). */
  readonly current = this.state.asReadonly();
  readonly ready = new Promise<SessionSecrets | undefined>((resolve) => (this.settle = resolve));

  constructor(private readonly sessions: Pick<SessionStore, 'unlock'>) {}

  use(keys: SessionSecrets): void {
    this.state.set(keys);
    this.settle(keys);
  }

  /**
   * Opens the session's sealed keys with `vault` unless they are known or being opened.
   * Resolves to 'opened', 'failed' (they will never come), or 'skipped'.
   */
  async unlock(vault: unknown): Promise<'opened' | 'failed' | 'skipped'> {
    if (this.state() !== undefined || this.unlocking) return 'skipped';
    this.unlocking = true;
    const keys = typeof vault === 'string' ? await this.sessions.unlock(vault) : undefined;
    this.unlocking = false;
    if (keys === undefined) return 'failed';
    this.use(keys);
    return 'opened';
  }

  /** Nothing waits any longer for keys that have not come (the session ended, the page went away). */
  abandon(): void {
    if (this.state() === undefined) this.settle(undefined);
  }
}
