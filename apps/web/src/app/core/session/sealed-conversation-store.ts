
/** Where a tab stands in its room's seq: kept in the clear, since the next handshake needs it before any vault is known. */
export interface KeptReadPoint {
  seen: number;
  opened: number;
  receipted: number;
}

/** A tab's conversation as kept across a reload. */
export interface SealedConversation {
  /** Which session it belongs to (a digest of its token), so that another session's is never used. */
  session: string;
  /** Numbers the server knows anyway (docs/protocol.md §5.1, §5.2); nothing of what was said. */
  point: KeptReadPoint;
  /** The conversation's lines, sealed under the session's vault. */
  sealed: Uint8Array;
}

/** Changes to a tab's sealed images, by message id. */
export interface SealedImageChanges {
  put: ReadonlyMap<string, Uint8Array>;
  drop: readonly string[];
}

/**
 * Where the chat keeps this tab's conversation so that a reload can bring it back: one sealed
 * record for the lines and one sealed blob per image, per tab. The browser adapter is IndexedDB
 * (erased with the tab's sealed keys, SealedKeyStore.delete); specs use an in-memory one.
 *
 * Security: whatever is put here reaches the disk, so only sealed blobs go in, under a key
 * derived from the session's vault (docs/protocol.md §4), which is never stored.
 */
export abstract class SealedConversationStore {
  abstract read(tabId: string): Promise<SealedConversation | undefined>;
  /** The tab's sealed images, by message id. */
  abstract readImages(tabId: string): Promise<Map<string, Uint8Array>>;
  /** Replaces the tab's conversation and changes its images, at once. */
  abstract write(tabId: string, conversation: SealedConversation, images: SealedImageChanges): Promise<void>;
  /** Erases the tab's conversation and images. */
  abstract erase(tabId: string): Promise<void>;
}
