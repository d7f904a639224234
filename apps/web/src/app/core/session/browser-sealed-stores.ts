import { InjectionToken } from '@angular/core';
import { IndexedDbSealedConversationStore } from './indexed-db-sealed-conversation-store';
import { IndexedDbSealedKeyStore } from './indexed-db-sealed-key-store';
import type { SealedConversationStore } from './sealed-conversation-store';
import type { SealedKeyStore } from './sealed-key-store';

// The stores in use, bound to their browser adapters here so that the ports' files import no adapter.

/** The store in use; null where the platform has no IndexedDB (jsdom): then nothing survives a reload. */
export const SEALED_KEY_STORE = new InjectionToken<SealedKeyStore | null>('SEALED_KEY_STORE', {
  providedIn: 'root',
  factory: () => (typeof indexedDB === 'undefined' ? null : new IndexedDbSealedKeyStore()),
});

/** The store in use; null where the platform has no IndexedDB (jsdom): then no conversation survives a reload. */
export const SEALED_CONVERSATION_STORE = new InjectionToken<SealedConversationStore | null>('SEALED_CONVERSATION_STORE', {
  providedIn: 'root',
  factory: () => (typeof indexedDB === 'undefined' ? null : new IndexedDbSealedConversationStore()),
});
