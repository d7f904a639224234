import { TestBed } from '@angular/core/testing';

import { ChatConnection } from '../../core/realtime/chat-connection';
import { ActiveChat, CHAT_PROVIDERS } from './active-chat';
import { provideChat } from './provide-chat';
import { FakeChatConnection, fakeSession } from './testing/chat-fakes';
import { configureChat, restoreChatGlobals } from './testing/chat-test-bed';

describe('ActiveChat', () => {
  let connections: FakeChatConnection[];
  let chats: ActiveChat;

  beforeEach(() => {
    configureChat();
    connections = [];
    const newConnection = () => {
      const connection = new FakeChatConnection();
      connections.push(connection);
      return connection;
    };
    TestBed.overrideProvider(CHAT_PROVIDERS, { useValue: [...provideChat(), { provide: ChatConnection, useFactory: newConnection }] });
    chats = TestBed.inject(ActiveChat);
  });

  afterEach(() => restoreChatGlobals());

  it('starts the chat of a session once, and hands the same chat back while it lives', () => {
    const first = chats.open(fakeSession());
    chats.release();
    const again = chats.open(fakeSession());

    expect(again.store).toBe(first.store);
    expect(connections).toHaveLength(1);
    expect(connections[0].connectedWith).toEqual(['token-of-bob']);
    expect(connections[0].disconnects).toBe(0);
  });

  it('closes a live chat, without leaving, when another session opens one', () => {
    const first = chats.open(fakeSession());
    first.store.sendText('pending when the next session came');

    const next = chats.open(fakeSession({ token: 'token-of-bob-2' }));

    expect(connections[0].disconnects).toBe(1);
    expect(connections[0].leaves).toBe(0);
    expect(next.store).not.toBe(first.store);
    expect(next.store.session()?.token).toBe('token-of-bob-2');
    expect(connections[1].connectedWith).toEqual(['token-of-bob-2']);
  });

  it('lets an ended chat go when its page does, and starts anew for the same token after', () => {
    const first = chats.open(fakeSession());
    connections[0].end('SESSION_NOT_FOUND');
    chats.release();

    const again = chats.open(fakeSession());

    expect(again.store).not.toBe(first.store);
    expect(connections).toHaveLength(2);
  });
});
