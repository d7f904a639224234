
/**
 * A tab's session secrets as kept across reloads: sealed under the session's vault
 * (`sealSessionSecrets` of `@ciphernest/crypto`), never a key or its bytes.
 */
export interface SealedEntry {
  tabId: string;
  /** iv || AES-256-GCM ciphertext || tag: opens only with the vault, which only the server and the live page hold. */
  sealed: Uint8Array;
  /** ms since the epoch; entries that no live tab claims are swept once old. */
  savedAt: number;
}

/**
 * Where {@link SessionStore} keeps each tab's sealed session secrets so a reload can reopen
 * them. The browser adapter is IndexedDB; specs use an in-memory one.
 *
 * Security: whatever is put here reaches the disk (browsers write IndexedDB to the profile's
 * files, and a deleted record lingers there until compaction), so only sealed blobs go in.
 */
export abstract class SealedKeyStore {
  abstract get(tabId: string): Promise<SealedEntry | undefined>;
  abstract put(entry: SealedEntry): Promise<void>;
  /** Erases the tab's entry and whatever else was sealed for the tab (its conversation, SealedConversationStore). */
  abstract delete(tabId: string): Promise<void>;
  /** Every entry's tab id and age, for the sweep of stale ones. */
  abstract list(): Promise<{ tabId: string; savedAt: number }[]>;
}
