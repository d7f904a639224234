const DB_NAME = 'ciphernest';
/** 2: sealed keys (v1's unsealed `session-keys` dropped); 3: sealed conversations. */
const DB_VERSION = 3;
/** Version 1's store held CryptoKey objects, whose raw bytes Chromium writes to disk: dropped on upgrade. */
const UNSEALED_V1_STORE = 'session-keys';

/** Per tab id: its session secrets, sealed under the session's vault. */
export const SEALED_KEYS_STORE = 'sealed-keys';
/** Per [tab id, part]: the tab's conversation ('log') and its images ('image:<message id>'), sealed under the vault. */
export const SEALED_CONVERSATIONS_STORE = 'sealed-conversations';

/** Every key of `tabId` in {@link SEALED_CONVERSATIONS_STORE}. */
export function partsOf(tabId: string): IDBKeyRange {
  return IDBKeyRange.bound([tabId, ''], [tabId, '\uffff']);
}

/** A request's result as a promise. */
export function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * The app's IndexedDB database `ciphernest` (version 3): the object stores
 * {@link SEALED_KEYS_STORE} and {@link SEALED_CONVERSATIONS_STORE}, both holding sealed blobs
 * only. Upgrading from version 1 deletes its `session-keys` store, which held unsealed CryptoKeys.
 */
export class CiphernestDatabase {
  private database: Promise<IDBDatabase> | undefined;

  /**
   * Runs `body` in one transaction over `stores` and resolves with its result once the
   * transaction has committed (a write counts then, not when its request succeeds). `body` may
   * await the requests it makes, and nothing else.
   */
  async transact<T>(stores: string[], mode: IDBTransactionMode, body: (transaction: IDBTransaction) => Promise<T>): Promise<T> {
    const database = await this.open();
    const transaction = database.transaction(stores, mode);
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
    const [result] = await Promise.all([
      body(transaction).catch((error: unknown) => {
        transaction.abort();
        throw error;
      }),
      committed,
    ]);
    return result;
  }

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const names = request.result.objectStoreNames;
        if (names.contains(UNSEALED_V1_STORE)) request.result.deleteObjectStore(UNSEALED_V1_STORE);
        if (!names.contains(SEALED_KEYS_STORE)) request.result.createObjectStore(SEALED_KEYS_STORE, { keyPath: 'tabId' });
        if (!names.contains(SEALED_CONVERSATIONS_STORE)) request.result.createObjectStore(SEALED_CONVERSATIONS_STORE, { keyPath: ['tabId', 'part'] });
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
