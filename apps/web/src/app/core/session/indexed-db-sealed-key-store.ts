import type { SealedEntry, SealedKeyStore } from './sealed-key-store';

const DB_NAME = 'ciphernest';
const DB_VERSION = 2;
const STORE = 'sealed-keys';
/** Version 1's store held CryptoKey objects, whose raw bytes Chromium writes to disk: dropped on upgrade. */
const UNSEALED_V1_STORE = 'session-keys';

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function isSealedEntry(value: unknown): value is SealedEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<SealedEntry>;
  return typeof entry.tabId === 'string' && typeof entry.savedAt === 'number' && entry.sealed instanceof Uint8Array;
}

/**
 * {@link SealedKeyStore} over IndexedDB: database `ciphernest` (version 2), object store
 * `sealed-keys` keyed by tab id, holding sealed blobs only. Upgrading from version 1 deletes its
 * `session-keys` store, which held unsealed CryptoKeys.
 */
export class IndexedDbSealedKeyStore implements SealedKeyStore {
  private database: Promise<IDBDatabase> | undefined;

  async get(tabId: string): Promise<SealedEntry | undefined> {
    const entry = await this.run<unknown>('readonly', (store) => store.get(tabId));
    return isSealedEntry(entry) ? entry : undefined;
  }

  async put(entry: SealedEntry): Promise<void> {
    await this.run('readwrite', (store) => store.put({ tabId: entry.tabId, sealed: entry.sealed, savedAt: entry.savedAt }));
  }

  async delete(tabId: string): Promise<void> {
    await this.run('readwrite', (store) => store.delete(tabId));
  }

  async list(): Promise<{ tabId: string; savedAt: number }[]> {
    const entries = await this.run<unknown[]>('readonly', (store) => store.getAll());
    return entries.filter(isSealedEntry).map(({ tabId, savedAt }) => ({ tabId, savedAt }));
  }

  private async run<T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const database = await this.open();
    const transaction = database.transaction(STORE, mode);
    // A write counts once its transaction commits, not when its request succeeds.
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
    const [result] = await Promise.all([settle(operation(transaction.objectStore(STORE))), committed]);
    return result;
  }

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const names = request.result.objectStoreNames;
        if (names.contains(UNSEALED_V1_STORE)) request.result.deleteObjectStore(UNSEALED_V1_STORE);
        if (!names.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'tabId' });
      };
      request.onsuccess = () => {
        const database = request.result;
        // Let a newer version of the app upgrade the database instead of blocking it.
        database.onversionchange = () => {
          database.close();
          this.database = undefined;
        };
        resolve(database);
      };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    });
    this.database.catch(() => (this.database = undefined));
    return this.database;
  }
}
