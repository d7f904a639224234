import { InjectionToken } from '@angular/core';
import { IndexedDbKeyVault } from './indexed-db-key-vault';

/** A tab's room key as kept across reloads: the CryptoKey object itself, never its bytes. */
export interface StoredKey {
  tabId: string;
  /** Non-extractable: script can use it but never read it. */
  key: CryptoKey;
  /** ms since the epoch; entries that no live tab claims are swept once old. */
  savedAt: number;
}

/**
 * Where {@link SessionStore} keeps each tab's non-extractable CryptoKey so a reload can reuse
 * it. The browser adapter is IndexedDB (a CryptoKey survives its structured clone, still
 * non-extractable); specs use an in-memory one.
 */
export abstract class SessionKeyVault {
  abstract get(tabId: string): Promise<StoredKey | undefined>;
  abstract put(entry: StoredKey): Promise<void>;
  abstract delete(tabId: string): Promise<void>;
  /** Every entry's tab id and age, for the sweep of stale ones. */
  abstract list(): Promise<{ tabId: string; savedAt: number }[]>;
}

/** The vault in use; null where the platform has no IndexedDB (jsdom): then keys live in memory only. */
export const SESSION_KEY_VAULT = new InjectionToken<SessionKeyVault | null>('SESSION_KEY_VAULT', {
  providedIn: 'root',
  factory: () => (typeof indexedDB === 'undefined' ? null : new IndexedDbKeyVault()),
});
