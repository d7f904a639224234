import { TestBed } from '@angular/core/testing';

import { ApiClient } from '../../../core/api/api-client';
import { CryptoService } from '../../../core/crypto/crypto.service';
import { ChatConnection } from '../../../core/realtime/chat-connection';
import { SessionStore } from '../../../core/session/session-store';
import type { ChatEntry, MessageEntry, SystemEntry } from '../chat-entry';
import { ChatNotifier } from '../chat-notifier';
import { ImagePrep } from '../image-prep';
import { provideChat } from '../provide-chat';
import { ChatStore } from '../chat-store';
import { FakeApiClient, FakeChatConnection, FakeCryptoService, FakeImagePrep, FakeSessionStore, fakeSession } from './chat-fakes';

/** The doubles a chat spec drives, and what the page's browser was asked to do. */
export class ChatDoubles {
  readonly connection = new FakeChatConnection();
  readonly crypto = new FakeCryptoService();
  readonly sessions = new FakeSessionStore();
  readonly api = new FakeApiClient();
  readonly imagePrep = new FakeImagePrep();
  notifications = 0;
  /** What `document.hidden` says. */
  hidden = false;
  readonly createdUrls: string[] = [];
  readonly revokedUrls: string[] = [];
}

/**
 * Configures TestBed with the chat's real parts (provideChat) and doubles of what lies outside
 * them: the connection, crypto, sessions, HTTP API, image preparation, notifier, the
 * document's visibility and object URLs. Call {@link restoreChatGlobals} after each spec.
 */
export function configureChat(): ChatDoubles {
  const doubles = new ChatDoubles();
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => doubles.hidden });
  Object.defineProperty(URL, 'createObjectURL', {
    configurable: true,
    value: () => {
      const url = `blob:test/${doubles.createdUrls.length + 1}`;
      doubles.createdUrls.push(url);
      return url;
    },
  });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: (url: string) => doubles.revokedUrls.push(url) });
  TestBed.configureTestingModule({
    providers: [
      ...provideChat(),
      { provide: ChatConnection, useValue: doubles.connection },
      { provide: CryptoService, useValue: doubles.crypto },
      { provide: SessionStore, useValue: doubles.sessions },
      { provide: ApiClient, useValue: doubles.api },
      { provide: ImagePrep, useValue: doubles.imagePrep },
      { provide: ChatNotifier, useValue: { notify: () => doubles.notifications++ } },
    ],
  });
  return doubles;
}

export function restoreChatGlobals(): void {
  Reflect.deleteProperty(document, 'hidden');
}

/** What every ChatStore spec does after each test: real timers again, the globals restored. */
export function endChatSpec(): void {
  jest.useRealTimers();
  restoreChatGlobals();
}

/** The ChatStore of the configured TestBed, started with the fake session. */
export function startChatStore(): ChatStore {
  const store = TestBed.inject(ChatStore);
  store.start(fakeSession());
  return store;
}

/** Lets chains of promises (decrypt, encrypt, send) run, with real or fake timers. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** Lets every queued promise run, however long the chain (the doubles never wait for a timer). */
export const drain = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export const messagesIn = (entries: readonly ChatEntry[]) => entries.filter((entry): entry is MessageEntry => entry.type === 'message');
export const messagesOf = (store: ChatStore) => messagesIn(store.entries());
export const linesOf = (store: ChatStore) => linesIn(store.entries());
export const linesIn = (entries: readonly ChatEntry[]) => entries.filter((entry): entry is SystemEntry => entry.type === 'system').map((entry) => entry.text);
