import { Injectable, computed, inject, signal } from '@angular/core';
import type { DecryptedMessage, ImageInput, SessionSecrets } from '@ciphernest/crypto';

import { CryptoService } from '../../core/crypto/crypto.service';
import type { ReceivedMessage } from '../../core/realtime/server-event-streams';
import { type ChatSession, SessionStore } from '../../core/session/session-store';

/** What one of our messages holds before it is sealed. */
export type OutgoingContent = { kind: 'text'; text: string } | { kind: 'image'; image: ImageInput };

/**
 * Seals and opens the open chat's messages (docs/protocol.md §3) with the room's key, each under
 * its room key, sender and id. The key comes with the session or, after a reload, is opened by
 * SessionStore with the vault of the first `presence`; until then sealing and opening wait, in
 * order. If it will never come (it did not open, the session ended), they give up.
 *
 * Security: the keys live in memory only; the vault is used once and not kept.
 */
@Injectable()
export class ChatCipher {
  private readonly crypto = inject(CryptoService);
  private readonly sessions = inject(SessionStore);
  private readonly keys = signal<SessionSecrets | undefined>(undefined);
  private settleKeys: (keys: SessionSecrets | undefined) => void = () => undefined;
  /** Settles once: with the keys, or with undefined when they will never come. */
  private readonly ready = new Promise<SessionSecrets | undefined>((resolve) => (this.settleKeys = resolve));
  private unlocking = false;
  private session: Pick<ChatSession, 'roomKey' | 'username'> | undefined;

  /** The keys' fingerprint once they are known (for the screen); '' until then. */
  readonly fingerprint = computed(() => this.keys()?.fingerprint ?? '');

  /** Seals and opens for `session`, with its keys if it brings them. */
  start(session: ChatSession): void {
    this.session = { roomKey: session.roomKey, username: session.username };
    if (session.keys) this.use(session.keys);
  }

  /**
   * Opens the session's sealed keys with `vault` unless they are known or being opened.
   * Resolves to 'opened', 'failed' (they will never come), or 'skipped'.
   */
  async unlock(vault: unknown): Promise<'opened' | 'failed' | 'skipped'> {
    if (this.keys() !== undefined || this.unlocking) return 'skipped';
    this.unlocking = true;
    const keys = typeof vault === 'string' ? await this.sessions.unlock(vault) : undefined;
    this.unlocking = false;
    if (keys === undefined) return 'failed';
    this.use(keys);
    return 'opened';
  }

  /** Nothing waits any longer for keys that have not come (the session ended, the page went away). */
  abandon(): void {
    if (this.keys() === undefined) this.settleKeys(undefined);
  }

  /**
   * Opens a relayed message under the sender and id the server reported; undefined when the
   * keys never came.
   *
   * @throws MessageRejectedError when the box does not open; UnknownKindError for a kind of a
   *   later version.
   */
  async open(message: ReceivedMessage): Promise<DecryptedMessage | undefined> {
    const session = this.session;
    const keys = await this.ready;
    if (!session || !keys) return undefined;
    return this.crypto.decryptMessage(keys.encKey, { roomKey: session.roomKey, from: message.from, id: message.id }, message.box);
  }

  /**
   * Seals one of our messages under `id`.
   *
   * @throws Error when the keys never came; RangeError for a text over the limit.
   */
  async seal(id: string, content: OutgoingContent): Promise<Uint8Array> {
    const session = this.session;
    const keys = await this.ready;
    if (!session || !keys) throw new Error('no room key in this tab');
    const ctx = { roomKey: session.roomKey, from: session.username, id };
    return content.kind === 'image'
      ? this.crypto.encryptImage(keys.encKey, ctx, content.image)
      : this.crypto.encryptText(keys.encKey, ctx, content.text);
  }

  private use(keys: SessionSecrets): void {
    this.keys.set(keys);
    this.settleKeys(keys);
  }
}
