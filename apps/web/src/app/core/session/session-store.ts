import { DestroyRef, Injectable, InjectionToken, inject, signal, type Signal } from '@angular/core';
import { b64urlEncode, randomBytes } from '@ciphernest/crypto';
import { isObject, type RoomInfo } from '@ciphernest/protocol';
import { SESSION_KEY_VAULT } from './session-key-vault';

/** This tab's place in a room. */
export interface ChatSession {
  token: string;
  room: RoomInfo;
  /** PROTOCOL.md §1 key of `room.name`. */
  roomKey: string;
  /** Exactly as the server reports it (the grant's member entry). */
  username: string;
  fingerprint: string;
  /** Non-extractable; kept in IndexedDB under this tab's id. */
  encKey: CryptoKey;
}

/** sessionStorage key of this tab's random id. */
export const TAB_ID_KEY = 'ciphernest.tab';
/** sessionStorage key prefix of a tab's session (everything but the key), followed by the tab id. */
export const SESSION_KEY_PREFIX = 'ciphernest.session.';
/** The channel on which live tabs answer "who holds tab X?". */
export const TAB_CHANNEL = 'ciphernest.tabs';
/** How long a starting tab waits for a live holder of its tab id to answer. */
export const TAB_CLAIM_WAIT_MS = 150;
/** Keys older than this that no live tab claims are swept from IndexedDB. */
export const STALE_KEY_AGE_MS = 24 * 60 * 60 * 1000;

const TAB_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

type StoredSession = Omit<ChatSession, 'encKey'>;

type TabMessage = { kind: 'who-holds'; tabIds: string[]; from: string } | { kind: 'held'; tabId: string; to: string };

function isTabMessage(value: unknown): value is TabMessage {
  if (!isObject(value)) return false;
  if (value['kind'] === 'who-holds') return Array.isArray(value['tabIds']) && typeof value['from'] === 'string';
  return value['kind'] === 'held' && typeof value['tabId'] === 'string' && typeof value['to'] === 'string';
}

function isStoredSession(value: unknown): value is StoredSession {
  if (!isObject(value) || !isObject(value['room'])) return false;
  const room = value['room'];
  return (
    typeof value['token'] === 'string' &&
    typeof value['roomKey'] === 'string' &&
    typeof value['username'] === 'string' &&
    typeof value['fingerprint'] === 'string' &&
    typeof room['name'] === 'string' &&
    typeof room['creator'] === 'string' &&
    typeof room['createdAt'] === 'string' &&
    isObject(room['kdf'])
  );
}

function newTabId(): string {
  return b64urlEncode(randomBytes(16));
}

/** This tab's own storage: sessionStorage, or null where the browser disables it (memory only then). */
export const TAB_STORAGE = new InjectionToken<Storage | null>('TAB_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return globalThis.sessionStorage ?? null;
    } catch {
      return null;
    }
  },
});

/** Storage that never throws: a full or disabled sessionStorage leaves the session in memory only. */
class TabStorage {
  constructor(private readonly storage: Storage | null) {}

  get(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  set(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      // Memory only.
    }
  }

  remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      // Nothing was stored.
    }
  }
}

/**
 * This tab's session. The tab gets a random id in sessionStorage; under that id sessionStorage
 * holds the token, room, room key, username and fingerprint, and IndexedDB holds the
 * non-extractable CryptoKey (with its `savedAt`). A reload restores both; a new tab starts
 * with nothing. A duplicated tab (whose sessionStorage is a copy) asks over a BroadcastChannel
 * whether a live tab holds its id; if one answers within {@link TAB_CLAIM_WAIT_MS}, it takes
 * a fresh id and no session. Keys that no live tab claims and that are older than
 * {@link STALE_KEY_AGE_MS} are swept when a tab starts.
 *
 * Without IndexedDB or BroadcastChannel (jsdom) it degrades: memory and sessionStorage, the key
 * in memory only (so nothing survives a reload), and duplicated tabs cannot be told apart.
 *
 * Security: the key's bytes are never script-readable anywhere; the token sits in this tab's
 * sessionStorage only; {@link clear} erases all three places.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly vault = inject(SESSION_KEY_VAULT);
  private readonly tabStorage = new TabStorage(inject(TAB_STORAGE));
  private readonly current = signal<ChatSession | undefined>(undefined);
  private claim: Promise<string> | undefined;
  private channel: BroadcastChannel | undefined;
  /** Bumped by save() and clear(), so a restore() running across them does not undo them. */
  private generation = 0;
  private destroyed = false;

  /** This tab's session, or undefined. */
  readonly session: Signal<ChatSession | undefined> = this.current.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.channel?.close();
      this.channel = undefined;
    });
  }

  /**
   * This tab's session: memory first, then sessionStorage + IndexedDB after a reload. A
   * duplicated tab (sessionStorage copied) does not inherit it. Never rejects.
   */
  async restore(): Promise<ChatSession | undefined> {
    const inMemory = this.current();
    if (inMemory !== undefined) return inMemory;
    const generation = this.generation;
    const tabId = await this.claimTab();
    const raw = this.tabStorage.get(SESSION_KEY_PREFIX + tabId);
    let stored: unknown;
    try {
      stored = raw === null ? undefined : JSON.parse(raw);
    } catch {
      stored = undefined;
    }
    const entry = isStoredSession(stored) ? await this.vault?.get(tabId).catch(() => undefined) : undefined;
    if (generation !== this.generation) return this.current();
    if (!isStoredSession(stored) || entry === undefined) {
      // A session without its key (or a broken one) cannot be used: forget it.
      if (raw !== null) this.tabStorage.remove(SESSION_KEY_PREFIX + tabId);
      return undefined;
    }
    const session: ChatSession = { ...stored, encKey: entry.key };
    this.current.set(session);
    // Refresh savedAt, so a tab that stays open for days is never swept by another one.
    void this.vault?.put({ tabId, key: entry.key, savedAt: Date.now() }).catch(() => undefined);
    return session;
  }

  /**
   * Keeps `session` as this tab's: in memory at once, then in sessionStorage and IndexedDB.
   * Never rejects: where the key cannot be persisted, the session lives until the next reload.
   */
  async save(session: ChatSession): Promise<void> {
    this.generation++;
    this.current.set(session);
    const tabId = await this.claimTab();
    const stored: StoredSession = {
      token: session.token,
      room: session.room,
      roomKey: session.roomKey,
      username: session.username,
      fingerprint: session.fingerprint,
    };
    this.tabStorage.set(SESSION_KEY_PREFIX + tabId, JSON.stringify(stored));
    await this.vault?.put({ tabId, key: session.encKey, savedAt: Date.now() }).catch(() => undefined);
  }

  /** Erases this tab's session everywhere (memory, sessionStorage, IndexedDB). Never rejects. */
  async clear(): Promise<void> {
    this.generation++;
    this.current.set(undefined);
    const tabId = await this.claimTab();
    this.tabStorage.remove(SESSION_KEY_PREFIX + tabId);
    await this.vault?.delete(tabId).catch(() => undefined);
  }

  private claimTab(): Promise<string> {
    this.claim ??= this.settleTabId();
    return this.claim;
  }

  /** Settles this tab's id once: inherited unless a live tab holds it; sweeps stale keys on the way. */
  private async settleTabId(): Promise<string> {
    const saved = this.tabStorage.get(TAB_ID_KEY);
    const inherited = saved !== null && TAB_ID_PATTERN.test(saved) ? saved : undefined;
    const now = Date.now();
    const entries = (await this.vault?.list().catch(() => [])) ?? [];
    const stale = entries.filter((entry) => entry.tabId !== inherited && now - entry.savedAt > STALE_KEY_AGE_MS).map((entry) => entry.tabId);
    const asked = inherited === undefined ? stale : [inherited, ...stale];
    const held = asked.length === 0 ? new Set<string>() : await this.askHolders(asked);

    let tabId = inherited;
    if (tabId === undefined || held.has(tabId)) {
      // A duplicated tab: the copied session belongs to the live original.
      if (tabId !== undefined) this.tabStorage.remove(SESSION_KEY_PREFIX + tabId);
      tabId = newTabId();
      this.tabStorage.set(TAB_ID_KEY, tabId);
    }
    const ownId = tabId;
    this.tabChannel()?.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = event.data;
      if (isTabMessage(message) && message.kind === 'who-holds' && message.tabIds.includes(ownId)) {
        this.channel?.postMessage({ kind: 'held', tabId: ownId, to: message.from } satisfies TabMessage);
      }
    });
    const unclaimed = stale.filter((staleId) => !held.has(staleId));
    void Promise.all(unclaimed.map((staleId) => this.vault?.delete(staleId).catch(() => undefined)));
    return ownId;
  }

  /** The ids among `tabIds` that a live tab answers for within {@link TAB_CLAIM_WAIT_MS}. */
  private askHolders(tabIds: string[]): Promise<Set<string>> {
    const channel = this.tabChannel();
    const held = new Set<string>();
    if (channel === undefined) return Promise.resolve(held);
    const from = newTabId();
    const listen = (event: MessageEvent<unknown>) => {
      const message = event.data;
      if (isTabMessage(message) && message.kind === 'held' && message.to === from && tabIds.includes(message.tabId)) {
        held.add(message.tabId);
      }
    };
    channel.addEventListener('message', listen);
    channel.postMessage({ kind: 'who-holds', tabIds, from } satisfies TabMessage);
    return new Promise((resolve) =>
      setTimeout(() => {
        channel.removeEventListener('message', listen);
        resolve(held);
      }, TAB_CLAIM_WAIT_MS),
    );
  }

  private tabChannel(): BroadcastChannel | undefined {
    if (this.channel === undefined && !this.destroyed && typeof BroadcastChannel !== 'undefined') this.channel = new BroadcastChannel(TAB_CHANNEL);
    return this.channel;
  }
}
