import { DestroyRef, Injectable, InjectionToken, inject, signal, type Signal } from '@angular/core';
import { b64urlEncode, randomBytes, type SessionSecrets } from '@ciphernest/crypto';
import { isObject, type RoomInfo } from '@ciphernest/protocol';
import { CryptoService } from '../crypto/crypto.service';
import { SEALED_KEY_STORE } from './browser-sealed-stores';

/** This tab's place in a room. */
export interface ChatSession {
  token: string;
  room: RoomInfo;
  /** docs/protocol.md §1 key of `room.name`. */
  roomKey: string;
  /** Exactly as the server reports it (the grant's member entry). */
  username: string;
  /**
   * The room key (non-extractable) and its fingerprint: in memory only. Undefined after a
   * reload until {@link SessionStore.unlock} opens them with the vault of the next `presence`.
   */
  keys?: SessionSecrets;
}

/** What sealing needs, right after a create or a join: the grant's vault and encKey's raw bytes (the caller zeroes them). */
export interface SealInput {
  vault: string;
  encKeyBytes: Uint8Array;
}

/** sessionStorage key of this tab's random id. */
export const TAB_ID_KEY = 'ciphernest.tab';
/** sessionStorage key prefix of a tab's session (token, room, room key, username: no key, no fingerprint), followed by the tab id. */
export const SESSION_KEY_PREFIX = 'ciphernest.session.';
/** The channel on which live tabs answer "who holds tab X?". */
export const TAB_CHANNEL = 'ciphernest.tabs';
/** How long a starting tab waits for a live holder of its tab id to answer. */
export const TAB_CLAIM_WAIT_MS = 150;
/** Sealed entries older than this that no live tab claims are swept from IndexedDB. */
export const STALE_KEY_AGE_MS = 24 * 60 * 60 * 1000;

const TAB_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

type StoredSession = Omit<ChatSession, 'keys'>;

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
 * holds the token, room, room key and username, and IndexedDB holds the session's secrets (the
 * room key's bytes and the fingerprint) sealed under the session's vault (docs/protocol.md §4), with
 * its `savedAt`. The unsealed keys live in memory only. A reload restores the session without
 * its keys; {@link unlock} opens them with the vault that the server sends in `presence`. A new
 * tab starts with nothing. A duplicated tab (whose sessionStorage is a copy) asks over a
 * BroadcastChannel whether a live tab holds its id; if one answers within
 * {@link TAB_CLAIM_WAIT_MS}, it takes a fresh id and no session. Sealed entries that no live tab
 * claims and that are older than {@link STALE_KEY_AGE_MS} are swept when a tab starts.
 *
 * Without IndexedDB or BroadcastChannel (jsdom) it degrades: memory and sessionStorage, the keys
 * in memory only (so nothing survives a reload), and duplicated tabs cannot be told apart.
 *
 * Security: no key, key bytes or fingerprint ever reaches storage unsealed, and the vault is
 * never stored, so once the session has ended on the server nothing on disk opens. The token
 * sits in this tab's sessionStorage only. {@link clear} erases all three places.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly sealedStore = inject(SEALED_KEY_STORE);
  private readonly crypto = inject(CryptoService);
  private readonly tabStorage = new TabStorage(inject(TAB_STORAGE));
  private readonly current = signal<ChatSession | undefined>(undefined);
  private claim: Promise<string> | undefined;
  private channel: BroadcastChannel | undefined;
  /** Bumped by save() and clear(), so a restore() or unlock() running across them does not undo them. */
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
   * This tab's session: memory first (with its keys), then sessionStorage after a reload
   * (without its keys: see {@link unlock}) if a sealed entry waits for it. A duplicated tab
   * (sessionStorage copied) does not inherit it. Never rejects.
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
    const entry = isStoredSession(stored) ? await this.sealedStore?.get(tabId).catch(() => undefined) : undefined;
    if (generation !== this.generation) return this.current();
    if (!isStoredSession(stored) || entry === undefined) {
      // A session without its sealed keys (or a broken one) cannot be used: forget it.
      if (raw !== null) this.tabStorage.remove(SESSION_KEY_PREFIX + tabId);
      return undefined;
    }
    const session: ChatSession = { token: stored.token, room: stored.room, roomKey: stored.roomKey, username: stored.username };
    this.current.set(session);
    // Refresh savedAt, so a tab that stays open for days is never swept by another one.
    void this.sealedStore?.put({ ...entry, savedAt: Date.now() }).catch(() => undefined);
    return session;
  }

  /**
   * This session's keys: from memory, or opened from the sealed entry with `vault` (the one
   * `presence` carries) and kept in memory from then on. Undefined when there is no session,
   * no sealed entry, or it does not open under `vault`. Never rejects.
   */
  async unlock(vault: string): Promise<SessionSecrets | undefined> {
    const session = this.current();
    if (session?.keys !== undefined || session === undefined) return session?.keys;
    const generation = this.generation;
    const tabId = await this.claimTab();
    const entry = await this.sealedStore?.get(tabId).catch(() => undefined);
    const keys = entry === undefined ? undefined : await this.crypto.openSessionSecrets(vault, entry.sealed).catch(() => undefined);
    if (generation !== this.generation || this.current() !== session) return this.current()?.keys;
    if (keys !== undefined) this.current.set({ ...session, keys });
    return keys;
  }

  /**
   * Keeps `session` as this tab's: in memory at once (with its keys), then in sessionStorage,
   * and, given `seal`, its keys sealed under the vault in IndexedDB. Never rejects: where they
   * cannot be persisted, the session lives until the next reload. Reads `seal.encKeyBytes`
   * before it resolves and keeps no reference to them.
   */
  async save(session: ChatSession & { keys: SessionSecrets }, seal?: SealInput): Promise<void> {
    this.generation++;
    const generation = this.generation;
    this.current.set(session);
    const sealing =
      seal && this.sealedStore ? this.crypto.sealSessionSecrets(seal.vault, seal.encKeyBytes, session.keys.fingerprint).catch(() => undefined) : undefined;
    const tabId = await this.claimTab();
    const sealed = await sealing;
    if (generation !== this.generation) return;
    const stored: StoredSession = { token: session.token, room: session.room, roomKey: session.roomKey, username: session.username };
    this.tabStorage.set(SESSION_KEY_PREFIX + tabId, JSON.stringify(stored));
    // Without a new blob, an older session's must not stand in for this one after a reload.
    if (sealed !== undefined) await this.sealedStore?.put({ tabId, sealed, savedAt: Date.now() }).catch(() => undefined);
    else await this.sealedStore?.delete(tabId).catch(() => undefined);
  }

  /** Erases this tab's session everywhere (memory, sessionStorage, the sealed entry in IndexedDB). Never rejects. */
  async clear(): Promise<void> {
    this.generation++;
    this.current.set(undefined);
    const tabId = await this.claimTab();
    this.tabStorage.remove(SESSION_KEY_PREFIX + tabId);
    await this.sealedStore?.delete(tabId).catch(() => undefined);
  }

  /** This tab's id (settled once; see the class), under which what the tab seals is kept. */
  tabId(): Promise<string> {
    return this.claimTab();
  }

  private claimTab(): Promise<string> {
    this.claim ??= this.settleTabId();
    return this.claim;
  }

  /** Settles this tab's id once: inherited unless a live tab holds it; sweeps stale sealed entries on the way. */
  private async settleTabId(): Promise<string> {
    const saved = this.tabStorage.get(TAB_ID_KEY);
    const inherited = saved !== null && TAB_ID_PATTERN.test(saved) ? saved : undefined;
    const now = Date.now();
    const entries = (await this.sealedStore?.list().catch(() => [])) ?? [];
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
    void Promise.all(unclaimed.map((staleId) => this.sealedStore?.delete(staleId).catch(() => undefined)));
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
