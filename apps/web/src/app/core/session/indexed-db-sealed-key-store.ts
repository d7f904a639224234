import { CiphernestDatabase, partsOf, SEALED_CONVERSATIONS_STORE, SEALED_KEYS_STORE, settle } from './indexed-db-database';
import type { SealedEntry, SealedKeyStore } from './sealed-key-store';

function isSealedEntry(value: unknown): value is SealedEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<SealedEntry>;
  return typeof entry.tabId === 'string' && typeof entry.savedAt === 'number' && entry.sealed instanceof Uint8Array;
}

/**
 * {@link SealedKeyStore} over IndexedDB (CiphernestDatabase): object store `sealed-keys` keyed by
 * tab id, holding sealed blobs only. Deleting a tab's entry deletes its sealed conversation too,
 * in the same transaction.
 */
export class IndexedDbSealedKeyStore implements SealedKeyStore {
  private readonly database = new CiphernestDatabase();

  async get(tabId: string): Promise<SealedEntry | undefined> {
    const entry = await this.database.transact([SEALED_KEYS_STORE], 'readonly', (transaction) => settle<unknown>(transaction.objectStore(SEALED_KEYS_STORE).get(tabId)));
    return isSealedEntry(entry) ? entry : undefined;
  }

  async put(entry: SealedEntry): Promise<void> {
    await this.database.transact([SEALED_KEYS_STORE], 'readwrite', (transaction) =>
      settle(transaction.objectStore(SEALED_KEYS_STORE).put({ tabId: entry.tabId, sealed: entry.sealed, savedAt: entry.savedAt })),
    );
  }

  async delete(tabId: string): Promise<void> {
    await this.database.transact([SEALED_KEYS_STORE, SEALED_CONVERSATIONS_STORE], 'readwrite', async (transaction) => {
      await settle(transaction.objectStore(SEALED_KEYS_STORE).delete(tabId));
      await settle(transaction.objectStore(SEALED_CONVERSATIONS_STORE).delete(partsOf(tabId)));
    });
  }

  async list(): Promise<{ tabId: string; savedAt: number }[]> {
    const entries = await this.database.transact([SEALED_KEYS_STORE], 'readonly', (transaction) => settle<unknown[]>(transaction.objectStore(SEALED_KEYS_STORE).getAll()));
    return entries.filter(isSealedEntry).map(({ tabId, savedAt }) => ({ tabId, savedAt }));
  }
}
