import { CiphernestDatabase, partsOf, SEALED_CONVERSATIONS_STORE, settle } from './indexed-db-database';
import type { SealedConversation, SealedConversationStore, SealedImageChanges } from './sealed-conversation-store';

const LOG_PART = 'log';
const IMAGE_PART = 'image:';

interface StoredPart {
  tabId: string;
  part: string;
  sealed: Uint8Array;
  session?: string;
  point?: SealedConversation['point'];
}

function isPoint(value: unknown): value is SealedConversation['point'] {
  if (typeof value !== 'object' || value === null) return false;
  const point = value as Record<string, unknown>;
  return ['seen', 'opened', 'receipted'].every((key) => Number.isSafeInteger(point[key]) && (point[key] as number) >= 0);
}

function isPart(value: unknown): value is StoredPart {
  if (typeof value !== 'object' || value === null) return false;
  const part = value as Partial<StoredPart>;
  return typeof part.tabId === 'string' && typeof part.part === 'string' && part.sealed instanceof Uint8Array;
}

/**
 * {@link SealedConversationStore} over IndexedDB (CiphernestDatabase): object store
 * `sealed-conversations` keyed by [tab id, part], the part being `log` or `image:<message id>`.
 * A write puts the log and the new images and deletes the dropped ones in one transaction, so a
 * reload finds either the old conversation or the new one.
 */
export class IndexedDbSealedConversationStore implements SealedConversationStore {
  private readonly database = new CiphernestDatabase();

  async read(tabId: string): Promise<SealedConversation | undefined> {
    const part = await this.database.transact([SEALED_CONVERSATIONS_STORE], 'readonly', (transaction) =>
      settle<unknown>(transaction.objectStore(SEALED_CONVERSATIONS_STORE).get([tabId, LOG_PART])),
    );
    if (!isPart(part) || typeof part.session !== 'string' || !isPoint(part.point)) return undefined;
    return { session: part.session, point: part.point, sealed: part.sealed };
  }

  async readImages(tabId: string): Promise<Map<string, Uint8Array>> {
    const parts = await this.database.transact([SEALED_CONVERSATIONS_STORE], 'readonly', (transaction) =>
      settle<unknown[]>(transaction.objectStore(SEALED_CONVERSATIONS_STORE).getAll(partsOf(tabId))),
    );
    const images = new Map<string, Uint8Array>();
    for (const part of parts) if (isPart(part) && part.part.startsWith(IMAGE_PART)) images.set(part.part.slice(IMAGE_PART.length), part.sealed);
    return images;
  }

  async write(tabId: string, conversation: SealedConversation, images: SealedImageChanges): Promise<void> {
    await this.database.transact([SEALED_CONVERSATIONS_STORE], 'readwrite', async (transaction) => {
      const store = transaction.objectStore(SEALED_CONVERSATIONS_STORE);
      const writes: Promise<unknown>[] = [];
      for (const id of images.drop) writes.push(settle(store.delete([tabId, IMAGE_PART + id])));
      for (const [id, sealed] of images.put) writes.push(settle(store.put({ tabId, part: IMAGE_PART + id, sealed } satisfies StoredPart)));
      const { session, point, sealed } = conversation;
      writes.push(settle(store.put({ tabId, part: LOG_PART, sealed, session, point: { ...point } } satisfies StoredPart)));
      await Promise.all(writes);
    });
  }

  async erase(tabId: string): Promise<void> {
    await this.database.transact([SEALED_CONVERSATIONS_STORE], 'readwrite', (transaction) => settle(transaction.objectStore(SEALED_CONVERSATIONS_STORE).delete(partsOf(tabId))));
  }
}
