import { TestBed } from '@angular/core/testing';

import { ApiProblem } from '../../core/api/api-problem';
import { CarriedOverMessages } from './carried-over-messages';
import { CARRIED_OVER_TEXT } from './chat-outbox';
import { RECEIPT_INTERVAL_MS } from './chat-receipts';
import { ChatStore } from './chat-store';
import { type ChatDoubles, configureChat, endChatSpec, linesOf, messagesOf, settle, startChatStore } from './testing/chat-test-bed';
import { ROOM, VAULT, fakeSession } from './testing/chat-fakes';

describe('ChatStore across disconnects (docs/protocol.md §5.1, §5.2)', () => {
  let chat: ChatDoubles;

  beforeEach(() => (chat = configureChat()));

  afterEach(endChatSpec);

  const startStore = startChatStore;
  const messages = messagesOf;
  const lines = linesOf;

  describe('resuming and receipts', () => {
    const ALICE_AND_BOB = [
      { name: 'Alice', status: 'online' as const, creator: true },
      { name: 'Bob', status: 'online' as const, creator: false },
    ];

    it('resumes a new session from 0, and then from the highest seq it has seen', async () => {
      startStore();
      expect(chat.connection.resumePoint()).toBe(0);

      chat.connection.relay('Alice', 'alice-message-0001', 'hi', {}, 6);
      await settle();

      expect(chat.connection.resumePoint()).toBe(6);
    });

    it('shows what is replayed after a reconnect in order, drops a repeat by id, and resumes from the last', async () => {
      const store = startStore();
      chat.connection.relay('Alice', 'alice-message-0001', 'one', {}, 1);
      await settle();
      chat.connection.setState('reconnecting');
      chat.connection.setState('online');
      chat.connection.presence$.next({ room: ROOM, members: ALICE_AND_BOB, vault: VAULT });

      chat.connection.relay('Alice', 'alice-message-0001', 'one', {}, 1);
      chat.connection.relay('Carol', 'carol-message-0002', 'two', {}, 2);
      chat.connection.relay('Alice', 'alice-message-0003', 'three', {}, 3);
      await settle();

      expect(messages(store).map((entry) => entry.id)).toEqual(['alice-message-0001', 'carol-message-0002', 'alice-message-0003']);
      expect(chat.connection.resumePoint()).toBe(3);
    });

    it('asks for no replay after a reload that kept nothing', () => {
      TestBed.inject(ChatStore).start(fakeSession({ keys: undefined }));

      expect(chat.connection.resumePoint()).toBeUndefined();
    });

    it('shows our message delivered once the others\' receipts reach it, ignoring a receipt in our own name', async () => {
      const store = startStore();
      chat.connection.presence$.next({ room: ROOM, members: ALICE_AND_BOB, vault: VAULT });
      store.sendText('hello');
      await settle();
      chat.connection.sends[0].resolve({ seq: 3, ts: 10 });
      await settle();
      expect(messages(store)[0].delivery).toBe('sent');

      chat.connection.received$.next({ name: 'Bob', seq: 3 });
      expect(messages(store)[0].delivery).toBe('sent');
      chat.connection.received$.next({ name: 'Alice', seq: 3 });

      expect(messages(store)[0].delivery).toBe('delivered');
    });

    it('turns missed into one line and adds it to the next receipt, sent again after a reconnect', async () => {
      jest.useFakeTimers();
      const store = startStore();
      chat.connection.missed$.next({ from: 2, to: 4 });
      chat.connection.relay('Alice', 'alice-message-0005', 'after the gap', {}, 5);
      await settle();
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);

      expect(lines(store)).toEqual(['3 messages sent while you were away could not be recovered.']);
      expect(chat.connection.receipts).toEqual([{ seq: 5, missed: { from: 2, to: 4 } }]);
    });
  });

  describe('while disconnected', () => {
    it('says the member list is not current, and why', () => {
      const store = startStore();
      expect(store.membersStale()).toBeUndefined();

      chat.connection.setState('reconnecting');
      expect(store.membersStale()).toBe('Connection lost: this list is not current.');
      chat.connection.end('SESSION_NOT_FOUND');
      expect(store.membersStale()).toBe('Session ended: this list is not current.');
    });

    it('keeps what could not be sent when the session ends, and offers it in the next session of that room', async () => {
      const store = startStore();
      store.sendText('written offline');
      await settle();
      chat.connection.sends[0].reject(new ApiProblem('SESSION_NOT_FOUND', 401, 'gone'));
      chat.connection.end('SESSION_NOT_FOUND');
      TestBed.tick();
      await settle();
      expect(store.unsentCount()).toBe(1);

      const carried = TestBed.inject(CarriedOverMessages);
      TestBed.resetTestingModule();
      chat = configureChat();
      TestBed.overrideProvider(CarriedOverMessages, { useValue: carried });
      const next = startStore();

      expect(messages(next)).toEqual([expect.objectContaining({ own: true, delivery: 'failed', error: CARRIED_OVER_TEXT, content: { kind: 'text', text: 'written offline' } })]);
      expect(next.notice()).toEqual({ tone: 'info', text: 'A message from your last session could not be sent: send again or copy below.' });
      next.retry(messages(next)[0].id);
      await settle();
      expect(chat.connection.sends.map((send) => send.id)).toEqual([messages(next)[0].id]);
    });

    it('copies the text of a message to the clipboard, and says so', async () => {
      const copied: string[] = [];
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void copied.push(text) } });
      const store = startStore();
      store.sendText('copy me');

      await store.copy(messages(store)[0].id);

      expect(copied).toEqual(['copy me']);
      expect(store.notice()).toEqual({ tone: 'info', text: 'Copied.' });
      Reflect.deleteProperty(navigator, 'clipboard');
      await store.copy(messages(store)[0].id);
      expect(store.notice()?.tone).toBe('error');
    });
  });

});
