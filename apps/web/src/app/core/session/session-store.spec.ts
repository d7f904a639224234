import { createEnvironmentInjector, EnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RoomInfo } from '@ciphernest/protocol';
import { SESSION_KEY_VAULT, type SessionKeyVault, type StoredKey } from './session-key-vault';
import {
  SESSION_KEY_PREFIX,
  SessionStore,
  STALE_KEY_AGE_MS,
  TAB_CHANNEL,
  TAB_ID_KEY,
  TAB_STORAGE,
  type ChatSession,
} from './session-store';

const ROOM: RoomInfo = {
  name: 'Café Lounge',
  creator: 'Zoë',
  createdAt: '2026-01-01T00:00:00.000Z',
  kdf: { alg: 'argon2id', m: 65536, t: 3, p: 1, salt: 'thdQBXfwJt08FAf-zyYRPw' },
};

function fakeKey(label: string): CryptoKey {
  return { type: 'secret', extractable: false, algorithm: { name: 'AES-GCM' }, usages: ['encrypt', 'decrypt'], label } as unknown as CryptoKey;
}

function session(overrides: Partial<ChatSession> = {}): ChatSession {
  return {
    token: 'token-1',
    room: ROOM,
    roomKey: 'café lounge',
    username: 'Zoë',
    fingerprint: '3f9a-07c1-b2e4-9d10-5a6b',
    encKey: fakeKey('k1'),
    ...overrides,
  };
}

/** IndexedDB stand-in: one per origin, shared by every tab. */
class MemoryKeyVault implements SessionKeyVault {
  readonly entries = new Map<string, StoredKey>();

  async get(tabId: string) {
    return this.entries.get(tabId);
  }
  async put(entry: StoredKey) {
    this.entries.set(entry.tabId, { ...entry });
  }
  async delete(tabId: string) {
    this.entries.delete(tabId);
  }
  async list() {
    return [...this.entries.values()].map(({ tabId, savedAt }) => ({ tabId, savedAt }));
  }
}

/** sessionStorage stand-in: one per tab; Chrome's "Duplicate" copies it. */
class MemoryStorage implements Storage {
  private readonly items: Map<string, string>;

  constructor(copyOf?: MemoryStorage) {
    this.items = new Map(copyOf?.items);
  }
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

/** BroadcastChannel stand-in: delivers asynchronously to every other open channel of the same name. */
class FakeBroadcastChannel extends EventTarget {
  static open: FakeBroadcastChannel[] = [];
  private closed = false;

  constructor(readonly name: string) {
    super();
    FakeBroadcastChannel.open.push(this);
  }
  postMessage(message: unknown) {
    if (this.closed) throw new Error('InvalidStateError: channel is closed');
    const data = JSON.parse(JSON.stringify(message)) as unknown;
    for (const other of FakeBroadcastChannel.open) {
      if (other !== this && other.name === this.name) setTimeout(() => other.closed || other.dispatchEvent(new MessageEvent('message', { data })));
    }
  }
  close() {
    this.closed = true;
    FakeBroadcastChannel.open = FakeBroadcastChannel.open.filter((channel) => channel !== this);
  }
}

describe('SessionStore', () => {
  describe('in jsdom as it is (sessionStorage, no IndexedDB, no BroadcastChannel)', () => {
    beforeEach(() => sessionStorage.clear());

    it('starts without a session', async () => {
      const store = TestBed.inject(SessionStore);

      await expect(store.restore()).resolves.toBeUndefined();
      expect(store.session()).toBeUndefined();
    });

    it('saves to memory and to sessionStorage under a random tab id, without the key', async () => {
      const store = TestBed.inject(SessionStore);
      const saved = session();

      await store.save(saved);

      expect(store.session()).toBe(saved);
      await expect(store.restore()).resolves.toBe(saved);
      const tabId = sessionStorage.getItem(TAB_ID_KEY);
      expect(tabId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY_PREFIX + tabId) ?? 'null');
      expect(stored).toEqual({ token: 'token-1', room: ROOM, roomKey: 'café lounge', username: 'Zoë', fingerprint: '3f9a-07c1-b2e4-9d10-5a6b' });
      expect(stored).not.toHaveProperty('encKey');
    });

    it('cannot keep the key across a reload without IndexedDB, so it forgets the session', async () => {
      await TestBed.inject(SessionStore).save(session());
      const tabId = sessionStorage.getItem(TAB_ID_KEY);

      TestBed.resetTestingModule(); // a reload: memory is gone, sessionStorage stays
      const reloaded = TestBed.inject(SessionStore);

      await expect(reloaded.restore()).resolves.toBeUndefined();
      expect(sessionStorage.getItem(TAB_ID_KEY)).toBe(tabId);
      expect(sessionStorage.getItem(SESSION_KEY_PREFIX + tabId)).toBeNull();
    });

    it('clear() erases memory and sessionStorage but keeps the tab id', async () => {
      const store = TestBed.inject(SessionStore);
      await store.save(session());
      const tabId = sessionStorage.getItem(TAB_ID_KEY);

      await store.clear();

      expect(store.session()).toBeUndefined();
      await expect(store.restore()).resolves.toBeUndefined();
      expect(sessionStorage.getItem(SESSION_KEY_PREFIX + tabId)).toBeNull();
      expect(sessionStorage.getItem(TAB_ID_KEY)).toBe(tabId);
    });

    it('keeps the session in memory when sessionStorage throws', async () => {
      const broken = new MemoryStorage();
      broken.setItem = () => {
        throw new DOMException('quota', 'QuotaExceededError');
      };
      TestBed.configureTestingModule({ providers: [{ provide: TAB_STORAGE, useValue: broken }] });
      const store = TestBed.inject(SessionStore);
      const saved = session();

      await store.save(saved);

      await expect(store.restore()).resolves.toBe(saved);
    });
  });

  describe('with a key vault and a tab channel (as in Chromium)', () => {
    const realChannel = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
    let vault: MemoryKeyVault;
    let tabs: EnvironmentInjector[];

    /** A tab's page: its own injector (so its own SessionStore) over the given sessionStorage. */
    function openPage(storage: MemoryStorage): { store: SessionStore; close: () => void } {
      const injector = createEnvironmentInjector(
        [{ provide: SESSION_KEY_VAULT, useValue: vault }, { provide: TAB_STORAGE, useValue: storage }, SessionStore],
        TestBed.inject(EnvironmentInjector),
      );
      tabs.push(injector);
      return { store: injector.get(SessionStore), close: () => injector.destroy() };
    }

    beforeEach(() => {
      vault = new MemoryKeyVault();
      tabs = [];
      FakeBroadcastChannel.open = [];
      (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = FakeBroadcastChannel;
    });

    afterEach(() => {
      for (const injector of tabs) if (!injector.destroyed) injector.destroy();
      (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = realChannel;
    });

    it('keeps the CryptoKey itself in the vault under the tab id, with savedAt', async () => {
      const storage = new MemoryStorage();
      const saved = session();
      const before = Date.now();

      await openPage(storage).store.save(saved);

      const tabId = storage.getItem(TAB_ID_KEY) as string;
      const entry = vault.entries.get(tabId);
      expect(entry?.key).toBe(saved.encKey);
      expect(entry?.savedAt).toBeGreaterThanOrEqual(before);
      expect(storage.getItem(SESSION_KEY_PREFIX + tabId)).not.toContain('encKey');
    });

    it('restores the session after a reload of the same tab', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      const saved = session();
      await first.store.save(saved);
      first.close(); // the page unloads

      const reloaded = openPage(storage).store;
      const restored = await reloaded.restore();

      expect(restored).toEqual(saved);
      expect(restored?.encKey).toBe(saved.encKey);
      expect(reloaded.session()).toEqual(saved);
    });

    it('gives a new tab no session', async () => {
      await openPage(new MemoryStorage()).store.save(session());

      const other = openPage(new MemoryStorage());

      await expect(other.store.restore()).resolves.toBeUndefined();
    });

    it('does not let a duplicated tab inherit the session of its live original', async () => {
      const originalStorage = new MemoryStorage();
      const original = openPage(originalStorage).store;
      await original.save(session());
      const originalTabId = originalStorage.getItem(TAB_ID_KEY);

      const duplicateStorage = new MemoryStorage(originalStorage); // Chrome copies sessionStorage
      const duplicate = openPage(duplicateStorage).store;

      await expect(duplicate.restore()).resolves.toBeUndefined();
      const duplicateTabId = duplicateStorage.getItem(TAB_ID_KEY);
      expect(duplicateTabId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(duplicateTabId).not.toBe(originalTabId);
      expect(duplicateStorage.getItem(SESSION_KEY_PREFIX + originalTabId)).toBeNull();
      // The original keeps everything.
      await expect(original.restore()).resolves.toEqual(session());
      expect(vault.entries.has(originalTabId as string)).toBe(true);
      expect(originalStorage.getItem(SESSION_KEY_PREFIX + originalTabId)).not.toBeNull();
    });

    it('lets a duplicated tab save its own session without touching the original', async () => {
      const originalStorage = new MemoryStorage();
      const original = openPage(originalStorage).store;
      await original.save(session());
      const duplicate = openPage(new MemoryStorage(originalStorage)).store;
      await duplicate.restore();

      await duplicate.save(session({ token: 'token-2', username: 'Ann', encKey: fakeKey('k2') }));

      expect(vault.entries.size).toBe(2);
      await expect(original.restore()).resolves.toEqual(session());
    });

    it('answers for its tab id only once it holds it, so a reloaded tab keeps its session', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      await first.store.save(session());
      first.close();
      // Another, unrelated tab is open meanwhile.
      await openPage(new MemoryStorage()).store.restore();

      await expect(openPage(storage).store.restore()).resolves.toEqual(session());
    });

    it('clear() erases memory, sessionStorage and the vault entry', async () => {
      const storage = new MemoryStorage();
      const store = openPage(storage).store;
      await store.save(session());
      const tabId = storage.getItem(TAB_ID_KEY) as string;

      await store.clear();

      expect(store.session()).toBeUndefined();
      expect(storage.getItem(SESSION_KEY_PREFIX + tabId)).toBeNull();
      expect(vault.entries.has(tabId)).toBe(false);
      await expect(openPage(storage).store.restore()).resolves.toBeUndefined();
    });

    it('sweeps stale keys that no live tab claims, and keeps claimed or recent ones', async () => {
      const longLived = new MemoryStorage();
      await openPage(longLived).store.save(session());
      const longLivedId = longLived.getItem(TAB_ID_KEY) as string;
      const old = Date.now() - STALE_KEY_AGE_MS - 60_000;
      vault.entries.get(longLivedId)!.savedAt = old; // open for over a day, still live
      await vault.put({ tabId: 'closed-tab-0000000000', key: fakeKey('gone'), savedAt: old });
      await vault.put({ tabId: 'recent-tab-0000000000', key: fakeKey('recent'), savedAt: Date.now() - 60_000 });

      await openPage(new MemoryStorage()).store.restore();
      await new Promise((resolve) => setTimeout(resolve));

      expect([...vault.entries.keys()].sort()).toEqual([longLivedId, 'recent-tab-0000000000'].sort());
    });

    it('refreshes savedAt on restore, so a tab that lives for days is not swept', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      await first.store.save(session());
      first.close();
      const tabId = storage.getItem(TAB_ID_KEY) as string;
      vault.entries.get(tabId)!.savedAt = 1;

      await openPage(storage).store.restore();
      await new Promise((resolve) => setTimeout(resolve));

      expect(vault.entries.get(tabId)?.savedAt).toBeGreaterThan(Date.now() - 10_000);
    });

    it('forgets a session whose key is missing from the vault', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      await first.store.save(session());
      first.close();
      vault.entries.clear();

      await expect(openPage(storage).store.restore()).resolves.toBeUndefined();
      expect(storage.getItem(SESSION_KEY_PREFIX + storage.getItem(TAB_ID_KEY))).toBeNull();
    });

    it('does not bring back a session cleared while a restore was running', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      await first.store.save(session());
      first.close();
      const store = openPage(storage).store;

      const restoring = store.restore(); // waits for an answer on the tab channel
      await store.clear();

      await expect(restoring).resolves.toBeUndefined();
      expect(store.session()).toBeUndefined();
    });

    it('closes its channel when its injector is destroyed', async () => {
      const page = openPage(new MemoryStorage());
      await page.store.save(session());
      expect(FakeBroadcastChannel.open.filter((channel) => channel.name === TAB_CHANNEL)).toHaveLength(1);

      page.close();

      expect(FakeBroadcastChannel.open).toHaveLength(0);
    });
  });
});
