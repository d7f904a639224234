import type { SessionKeyVault, StoredKey } from './session-key-vault';

const DB_NAME = 'ciphernest';
const DB_VERSION = 1;
const STORE = 'session-keys';

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function isStoredKey(value: unknown): value is StoredKey {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<StoredKey>;
  return typeof entry.tabId === 'string' && typeof entry.savedAt === 'number' && typeof entry.key === 'object' && entry.key !== null;
}

/**
 * {@link SessionKeyVault} over IndexedDB: database `ciphernest`, object store `session-keys`
 * keyed by tab id. Stores the CryptoKey object (structured clone); its bytes are never exposed.
 */
export class IndexedDbKeyVault implements SessionKeyVault {
  private database: Promise<IDBDatabase> | undefined;

  async get(tabId: string): Promise<StoredKey | undefined> {
    const entry = await this.run<unknown>('readonly', (store) => store.get(tabId));
    return isStoredKey(entry) ? entry : undefined;
  }

  async put(entry: StoredKey): Promise<void> {
    await this.run('readwrite', (store) => store.put({ tabId: entry.tabId, key: entry.key, savedAt: entry.savedAt }));
  }

  async delete(tabId: string): Promise<void> {
    await this.run('readwrite', (store) => store.delete(tabId));
  }

  async list(): Promise<{ tabId: string; savedAt: number }[]> {
    const entries = await this.run<unknown[]>('readonly', (store) => store.getAll());
    return entries.filter(isStoredKey).map(({ tabId, savedAt }) => ({ tabId, savedAt }));
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
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'tabId' });
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
