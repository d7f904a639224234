import { createEnvironmentInjector, EnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { SessionSecrets } from '@ciphernest/crypto';
import type { RoomInfo } from '@ciphernest/protocol';
import { CryptoService } from '../crypto/crypto.service';
import { SEALED_KEY_STORE } from './browser-sealed-stores';
import type { SealedEntry, SealedKeyStore } from './sealed-key-store';
import {
  SESSION_KEY_PREFIX,
  SessionStore,
  STALE_KEY_AGE_MS,
  TAB_CHANNEL,
  TAB_ID_KEY,
  TAB_STORAGE,
  type ChatSession,
  type SealInput,
} from './session-store';

const ROOM: RoomInfo = {
  name: 'Café Lounge',
  creator: 'Zoë',
  createdAt: '2026-01-01T00:00:00.000Z',
  kdf: { alg: 'argon2id', m: 65536, t: 3, p: 1, salt: 'thdQBXfwJt08FAf-zyYRPw' },
};
const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const OTHER_VAULT = 'HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4';
const PRINT = '3f9a-07c1-b2e4-9d10-5a6b';

function fakeKey(label: string): CryptoKey {
  return { type: 'secret', extractable: false, algorithm: { name: 'AES-GCM' }, usages: ['encrypt', 'decrypt'], label } as unknown as CryptoKey;
}

type SavedSession = ChatSession & { keys: SessionSecrets };

function session(overrides: Partial<ChatSession> = {}): SavedSession {
  return { token: 'token-1', room: ROOM, roomKey: 'café lounge', username: 'Zoë', keys: { encKey: fakeKey('k1'), fingerprint: PRINT }, ...overrides } as SavedSession;
}

/** What a create or a join hands to save(): the grant's vault and encKey's bytes. */
function seal(vault = VAULT, byte = 7): SealInput {
  return { vault, encKeyBytes: new Uint8Array(32).fill(byte) };
}

/** The session as restored after a reload: everything but its keys. */
function withoutKeys(saved: ChatSession): ChatSession {
  return { token: saved.token, room: saved.room, roomKey: saved.roomKey, username: saved.username };
}

/**
 * CryptoService's sealing, faked (jsdom's WebCrypto refuses this realm's buffers; libs/crypto's
 * specs and the Chromium test cover the real one): a "blob" that names its vault and hides the
 * bytes, and opens only under that vault, to a key labelled with the bytes.
 */
class FakeSealing {
  readonly sealed: { vault: string; bytes: number[]; fingerprint: string }[] = [];

  async sealSessionSecrets(vault: string, encKeyBytes: Uint8Array, fingerprint: string): Promise<Uint8Array> {
    await Promise.resolve(); // like the real one, it reads the bytes after a first await
    if (!/^[A-Za-z0-9_-]{43}$/.test(vault)) throw new TypeError('malformed vault');
    this.sealed.push({ vault, bytes: Array.from(encKeyBytes), fingerprint });
    const hidden = Array.from(encKeyBytes, (byte) => byte ^ 0xff);
    return new TextEncoder().encode(JSON.stringify({ vault, hidden, fingerprint }));
  }

  async openSessionSecrets(vault: string, sealed: Uint8Array): Promise<SessionSecrets> {
    const blob = JSON.parse(new TextDecoder().decode(sealed)) as { vault: string; hidden: number[]; fingerprint: string };
    if (blob.vault !== vault) throw new Error('does not open');
    return { encKey: fakeKey(`bytes ${blob.hidden.map((byte) => byte ^ 0xff).join(',')}`), fingerprint: blob.fingerprint };
  }
}

/** IndexedDB stand-in: one per origin, shared by every tab. */
class MemorySealedStore implements SealedKeyStore {
  readonly entries = new Map<string, SealedEntry>();

  async get(tabId: string) {
    return this.entries.get(tabId);
  }
  async put(entry: SealedEntry) {
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

    it('saves to memory and to sessionStorage under a random tab id, without the keys or the fingerprint', async () => {
      const store = TestBed.inject(SessionStore);
      const saved = session();

      await store.save(saved, seal());

      expect(store.session()).toBe(saved);
      await expect(store.restore()).resolves.toBe(saved);
      const tabId = sessionStorage.getItem(TAB_ID_KEY);
      expect(tabId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY_PREFIX + tabId) ?? 'null');
      expect(stored).toEqual({ token: 'token-1', room: ROOM, roomKey: 'café lounge', username: 'Zoë' });
      expect(JSON.stringify(stored)).not.toContain(PRINT);
    });

    it('cannot keep the keys across a reload without IndexedDB, so it forgets the session', async () => {
      await TestBed.inject(SessionStore).save(session(), seal());
      const tabId = sessionStorage.getItem(TAB_ID_KEY);

      TestBed.resetTestingModule(); // a reload: memory is gone, sessionStorage stays
      const reloaded = TestBed.inject(SessionStore);

      await expect(reloaded.restore()).resolves.toBeUndefined();
      expect(sessionStorage.getItem(TAB_ID_KEY)).toBe(tabId);
      expect(sessionStorage.getItem(SESSION_KEY_PREFIX + tabId)).toBeNull();
    });

    it('clear() erases memory and sessionStorage but keeps the tab id', async () => {
      const store = TestBed.inject(SessionStore);
      await store.save(session(), seal());
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

      await store.save(saved, seal());

      await expect(store.restore()).resolves.toBe(saved);
    });
  });

  describe('with a sealed-key store and a tab channel (as in Chromium)', () => {
    const realChannel = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
    let sealedStore: MemorySealedStore;
    let sealing: FakeSealing;
    let tabs: EnvironmentInjector[];

    /** A tab's page: its own injector (so its own SessionStore) over the given sessionStorage. */
    function openPage(storage: MemoryStorage): { store: SessionStore; close: () => void } {
      const injector = createEnvironmentInjector(
        [
          { provide: SEALED_KEY_STORE, useValue: sealedStore },
          { provide: TAB_STORAGE, useValue: storage },
          { provide: CryptoService, useValue: sealing },
          SessionStore,
        ],
        TestBed.inject(EnvironmentInjector),
      );
      tabs.push(injector);
      return { store: injector.get(SessionStore), close: () => injector.destroy() };
    }

    /** Saves in one page, closes it, and opens the same tab again: a reload. */
    async function reloadAfterSaving(storage: MemoryStorage, saved = session(), sealInput = seal()): Promise<SessionStore> {
      const first = openPage(storage);
      await first.store.save(saved, sealInput);
      first.close();
      return openPage(storage).store;
    }

    beforeEach(() => {
      sealedStore = new MemorySealedStore();
      sealing = new FakeSealing();
      tabs = [];
      FakeBroadcastChannel.open = [];
      (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = FakeBroadcastChannel;
    });

    afterEach(() => {
      for (const injector of tabs) if (!injector.destroyed) injector.destroy();
      (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = realChannel;
    });

    it('keeps only a blob sealed under the vault in the store, under the tab id, with savedAt', async () => {
      const storage = new MemoryStorage();
      const before = Date.now();

      await openPage(storage).store.save(session(), seal(VAULT, 7));

      const tabId = storage.getItem(TAB_ID_KEY) as string;
      const entry = sealedStore.entries.get(tabId);
      expect(Object.keys(entry ?? {}).sort()).toEqual(['savedAt', 'sealed', 'tabId']);
      expect(entry?.sealed).toBeInstanceOf(Uint8Array);
      expect(entry?.savedAt).toBeGreaterThanOrEqual(before);
      expect(sealing.sealed).toEqual([{ vault: VAULT, bytes: new Array(32).fill(7), fingerprint: PRINT }]);
      expect(new TextDecoder().decode(entry?.sealed)).not.toContain(new Array(32).fill(7).join(','));
    });

    it('has read the key bytes once save() resolves, so the caller can zero them', async () => {
      const storage = new MemoryStorage();
      const input = seal(VAULT, 9);
      const store = await reloadAfterSaving(storage, session(), input);
      input.encKeyBytes.fill(0);

      await store.restore();
      const keys = await store.unlock(VAULT);

      expect((keys?.encKey as unknown as { label: string }).label).toBe(`bytes ${new Array(32).fill(9).join(',')}`);
    });

    it('restores the session after a reload of the same tab without its keys, and opens them with the vault', async () => {
      const saved = session();
      const reloaded = await reloadAfterSaving(new MemoryStorage(), saved);

      const restored = await reloaded.restore();
      expect(restored).toEqual(withoutKeys(saved));
      expect(restored?.keys).toBeUndefined();

      const keys = await reloaded.unlock(VAULT);
      expect(keys?.fingerprint).toBe(PRINT);
      expect(reloaded.session()?.keys).toBe(keys);
      await expect(reloaded.restore()).resolves.toEqual({ ...withoutKeys(saved), keys });
    });

    it('opens nothing under another vault, and keeps the session locked', async () => {
      const reloaded = await reloadAfterSaving(new MemoryStorage());
      await reloaded.restore();

      await expect(reloaded.unlock(OTHER_VAULT)).resolves.toBeUndefined();
      expect(reloaded.session()?.keys).toBeUndefined();
    });

    it('answers the keys in memory without opening anything', async () => {
      const store = openPage(new MemoryStorage()).store;
      const saved = session();
      await store.save(saved, seal());

      await expect(store.unlock(OTHER_VAULT)).resolves.toBe(saved.keys);
    });

    it('unlocks nothing without a session', async () => {
      await expect(openPage(new MemoryStorage()).store.unlock(VAULT)).resolves.toBeUndefined();
    });

    it('stores no sealed entry when sealing fails, so a reload forgets the session', async () => {
      const storage = new MemoryStorage();
      const reloaded = await reloadAfterSaving(storage, session(), seal('not a vault'));

      expect(sealedStore.entries.size).toBe(0);
      await expect(reloaded.restore()).resolves.toBeUndefined();
    });

    it("drops an earlier session's sealed entry when the next one cannot be sealed", async () => {
      const storage = new MemoryStorage();
      const store = openPage(storage).store;
      await store.save(session(), seal());
      await store.save(session({ token: 'token-2' }), seal('not a vault'));

      expect(sealedStore.entries.size).toBe(0);
    });

    it('gives a new tab no session', async () => {
      await openPage(new MemoryStorage()).store.save(session(), seal());

      const other = openPage(new MemoryStorage());

      await expect(other.store.restore()).resolves.toBeUndefined();
    });

    it('does not let a duplicated tab inherit the session of its live original', async () => {
      const originalStorage = new MemoryStorage();
      const original = openPage(originalStorage).store;
      await original.save(session(), seal());
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
      expect(sealedStore.entries.has(originalTabId as string)).toBe(true);
      expect(originalStorage.getItem(SESSION_KEY_PREFIX + originalTabId)).not.toBeNull();
    });

    it('lets a duplicated tab save its own session without touching the original', async () => {
      const originalStorage = new MemoryStorage();
      const original = openPage(originalStorage).store;
      await original.save(session(), seal());
      const duplicate = openPage(new MemoryStorage(originalStorage)).store;
      await duplicate.restore();

      await duplicate.save(session({ token: 'token-2', username: 'Ann', keys: { encKey: fakeKey('k2'), fingerprint: PRINT } }), seal(OTHER_VAULT));

      expect(sealedStore.entries.size).toBe(2);
      await expect(original.restore()).resolves.toEqual(session());
    });

    it('answers for its tab id only once it holds it, so a reloaded tab keeps its session', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      await first.store.save(session(), seal());
      first.close();
      // Another, unrelated tab is open meanwhile.
      await openPage(new MemoryStorage()).store.restore();

      await expect(openPage(storage).store.restore()).resolves.toEqual(withoutKeys(session()));
    });

    it('clear() erases memory, sessionStorage and the sealed entry', async () => {
      const storage = new MemoryStorage();
      const store = openPage(storage).store;
      await store.save(session(), seal());
      const tabId = storage.getItem(TAB_ID_KEY) as string;

      await store.clear();

      expect(store.session()).toBeUndefined();
      expect(storage.getItem(SESSION_KEY_PREFIX + tabId)).toBeNull();
      expect(sealedStore.entries.has(tabId)).toBe(false);
      await expect(openPage(storage).store.restore()).resolves.toBeUndefined();
    });

    it('sweeps stale sealed entries that no live tab claims, and keeps claimed or recent ones', async () => {
      const longLived = new MemoryStorage();
      await openPage(longLived).store.save(session(), seal());
      const longLivedId = longLived.getItem(TAB_ID_KEY) as string;
      const old = Date.now() - STALE_KEY_AGE_MS - 60_000;
      sealedStore.entries.get(longLivedId)!.savedAt = old; // open for over a day, still live
      await sealedStore.put({ tabId: 'closed-tab-0000000000', sealed: new Uint8Array(40), savedAt: old });
      await sealedStore.put({ tabId: 'recent-tab-0000000000', sealed: new Uint8Array(40), savedAt: Date.now() - 60_000 });

      await openPage(new MemoryStorage()).store.restore();
      await new Promise((resolve) => setTimeout(resolve));

      expect([...sealedStore.entries.keys()].sort()).toEqual([longLivedId, 'recent-tab-0000000000'].sort());
    });

    it('refreshes savedAt on restore, so a tab that lives for days is not swept', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      await first.store.save(session(), seal());
      first.close();
      const tabId = storage.getItem(TAB_ID_KEY) as string;
      sealedStore.entries.get(tabId)!.savedAt = 1;

      await openPage(storage).store.restore();
      await new Promise((resolve) => setTimeout(resolve));

      expect(sealedStore.entries.get(tabId)?.savedAt).toBeGreaterThan(Date.now() - 10_000);
    });

    it('forgets a session whose sealed entry is missing', async () => {
      const storage = new MemoryStorage();
      const first = openPage(storage);
      await first.store.save(session(), seal());
      first.close();
      sealedStore.entries.clear();

      await expect(openPage(storage).store.restore()).resolves.toBeUndefined();
      expect(storage.getItem(SESSION_KEY_PREFIX + storage.getItem(TAB_ID_KEY))).toBeNull();
    });

    it('does not bring back a session cleared while a restore was running', async () => {
      const reloaded = await reloadAfterSaving(new MemoryStorage());

      const restoring = reloaded.restore(); // waits for an answer on the tab channel
      await reloaded.clear();

      await expect(restoring).resolves.toBeUndefined();
      expect(reloaded.session()).toBeUndefined();
    });

    it('does not bring back keys cleared while an unlock was running', async () => {
      const reloaded = await reloadAfterSaving(new MemoryStorage());
      await reloaded.restore();

      const unlocking = reloaded.unlock(VAULT);
      await reloaded.clear();

      await expect(unlocking).resolves.toBeUndefined();
      expect(reloaded.session()).toBeUndefined();
    });

    it('closes its channel when its injector is destroyed', async () => {
      const page = openPage(new MemoryStorage());
      await page.store.save(session(), seal());
      expect(FakeBroadcastChannel.open.filter((channel) => channel.name === TAB_CHANNEL)).toHaveLength(1);

      page.close();

      expect(FakeBroadcastChannel.open).toHaveLength(0);
    });
  });
});
