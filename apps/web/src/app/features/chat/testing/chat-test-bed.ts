import { TestBed } from '@angular/core/testing';
import type { PresenceEvent } from '@ciphernest/protocol';

import { ApiClient } from '../../../core/api/api-client';
import { CryptoService } from '../../../core/crypto/crypto.service';
import { E2eService } from '../../../core/crypto/e2e.service';
import { ChatConnection } from '../../../core/realtime/chat-connection';
import { SessionStore } from '../../../core/session/session-store';
import { ChatCipher } from '../chat-cipher';
import type { ChatEntry, MessageEntry, SystemEntry } from '../chat-entry';
import { ChatNotifier } from '../chat-notifier';
import { ImagePrep } from '../image-prep';
import { provideChat } from '../provide-chat';
import { ChatStore } from '../chat-store';
import { FakeApiClient, FakeChatConnection, FakeCryptoService, FakeImagePrep, FakeSessionStore, ROOM, VAULT, fakeSession } from './chat-fakes';
import { FakeE2eService } from './fake-e2e-layer';

/** The doubles a chat spec drives, and what the page's browser was asked to do. */
export class ChatDoubles {
  readonly connection = new FakeChatConnection();
  readonly crypto = new FakeCryptoService();
  readonly e2e = new FakeE2eService();
  readonly sessions = new FakeSessionStore();
  readonly api = new FakeApiClient();
  readonly imagePrep = new FakeImagePrep();
  notifications = 0;
  /** Of {@link notifications}, those for a message that mentions us. */
  mentionNotifications = 0;
  /** What `document.hidden` says. */
  hidden = false;
  readonly createdUrls: string[] = [];
  readonly revokedUrls: string[] = [];
}

/**
 * Configures TestBed with the chat's real parts (provideChat) and doubles of what lies outside
 * them: the connection, crypto and the end-to-end layer, sessions, HTTP API, image preparation,
 * notifier, the document's visibility and object URLs. Call {@link restoreChatGlobals} after each spec.
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
      { provide: E2eService, useValue: doubles.e2e },
      { provide: SessionStore, useValue: doubles.sessions },
      { provide: ApiClient, useValue: doubles.api },
      { provide: ImagePrep, useValue: doubles.imagePrep },
      {
        provide: ChatNotifier,
        useValue: {
          notify: (mentioned = false) => {
            doubles.notifications++;
            if (mentioned) doubles.mentionNotifications++;
          },
        },
      },
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

/** A `presence` of the fake room listing `names` (the first as creator), with the fake session's vault. */
export function presenceOf(...names: string[]): PresenceEvent {
  return { room: ROOM, members: names.map((name, index) => ({ name, status: 'online', creator: index === 0 })), vault: VAULT };
}

/**
 * The ChatStore of the configured TestBed, started with the fake session, and its end-to-end
 * layer opened as by a first `presence` of Bob alone (the member list is left to the spec).
 */
export function startChatStore(): ChatStore {
  const store = TestBed.inject(ChatStore);
  store.start(fakeSession());
  void TestBed.inject(ChatCipher).connected(presenceOf('Bob'));
  return store;
}

/** The ChatCipher of the configured TestBed, started with the fake session and open (its first `presence`: `names`). */
export function openChatCipher(...names: string[]): ChatCipher {
  const cipher = TestBed.inject(ChatCipher);
  cipher.start(fakeSession());
  void cipher.connected(presenceOf(...(names.length > 0 ? names : ['Bob'])));
  return cipher;
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
