import { TestBed } from '@angular/core/testing';

import { ChatLog } from './chat-log';
import { ChatReceipts, RECEIPT_INTERVAL_MS } from './chat-receipts';
import { type ChatDoubles, configureChat, linesIn, restoreChatGlobals } from './testing/chat-test-bed';

describe('ChatReceipts', () => {
  let chat: ChatDoubles;
  let receipts: ChatReceipts;

  beforeEach(() => {
    jest.useFakeTimers();
    chat = configureChat();
    chat.connection.connect('token-of-bob');
    receipts = TestBed.inject(ChatReceipts);
    receipts.start({ seen: 0, opened: 0, receipted: 0 });
  });

  afterEach(() => {
    jest.useRealTimers();
    restoreChatGlobals();
  });

  const lines = () => linesIn(TestBed.inject(ChatLog).entries());

  describe('the resume point (docs/protocol.md §5.1)', () => {
    it('is 0 for a new session, and the highest seq seen after that', () => {
      expect(receipts.resumePoint()).toBe(0);
      receipts.decrypted(3);
      receipts.handled(5);
      receipts.acknowledged(4);

      expect(receipts.resumePoint()).toBe(5);
    });

    it('is left out by a tab that kept nothing of its session', () => {
      receipts.start(undefined);

      expect(receipts.resumePoint()).toBeUndefined();
      receipts.decrypted(7);
      expect(receipts.resumePoint()).toBe(7);
    });

    it('stays below a message held for its keys until it is dealt with, and keeps it so for a reload', () => {
      receipts.decrypted(3);
      receipts.held(4);
      receipts.held(6);
      receipts.decrypted(7);
      expect(receipts.resumePoint()).toBe(3);
      expect(receipts.point().seen).toBe(3);

      receipts.decrypted(4);
      expect(receipts.resumePoint()).toBe(5);
      receipts.handled(6);
      expect(receipts.resumePoint()).toBe(7);
    });

    it('starts from what was kept across a reload', () => {
      receipts.start({ seen: 12, opened: 10, receipted: 9 });

      expect(receipts.resumePoint()).toBe(12);
      expect(receipts.point()).toEqual({ seen: 12, opened: 10, receipted: 9 });
    });
  });

  describe('receipts (docs/protocol.md §5.2)', () => {
    it('sends the highest seq received and decrypted, at most once a second, only when it grew', () => {
      receipts.decrypted(1);
      jest.advanceTimersByTime(0);
      expect(chat.connection.receipts).toEqual([{ seq: 1 }]);

      receipts.decrypted(2);
      receipts.decrypted(3);
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS - 1);
      expect(chat.connection.receipts).toEqual([{ seq: 1 }]);
      jest.advanceTimersByTime(1);
      expect(chat.connection.receipts).toEqual([{ seq: 1 }, { seq: 3 }]);

      receipts.decrypted(2);
      receipts.handled(9);
      jest.advanceTimersByTime(10 * RECEIPT_INTERVAL_MS);
      expect(chat.connection.receipts).toEqual([{ seq: 1 }, { seq: 3 }]);
    });

    it('does not count a message that did not open', () => {
      receipts.handled(4);
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);

      expect(chat.connection.receipts).toEqual([]);
    });

    it('sends what grew while offline once the connection is back', () => {
      chat.connection.setState('reconnecting');
      receipts.decrypted(5);
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);
      expect(chat.connection.receipts).toEqual([]);

      chat.connection.setState('online');
      receipts.reconnected();
      jest.advanceTimersByTime(0);

      expect(chat.connection.receipts).toEqual([{ seq: 5 }]);
    });

    it('does not send again what a reload kept as receipted', () => {
      receipts.start({ seen: 6, opened: 6, receipted: 6 });
      receipts.reconnected();
      receipts.decrypted(6);
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);

      expect(chat.connection.receipts).toEqual([]);
    });
  });

  describe('missed (docs/protocol.md §5.1)', () => {
    it('becomes one line, and goes out once with the next receipt, which covers it', () => {
      receipts.decrypted(2);
      jest.advanceTimersByTime(0);

      receipts.lost({ from: 3, to: 5 });
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);

      expect(lines()).toEqual(['3 messages sent while you were away could not be recovered.']);
      expect(chat.connection.receipts).toEqual([{ seq: 2 }, { seq: 5, missed: { from: 3, to: 5 } }]);
      expect(receipts.resumePoint()).toBe(5);

      receipts.decrypted(6);
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);
      expect(chat.connection.receipts[2]).toEqual({ seq: 6 });
    });

    it('merges two spans told before a receipt could go, and says a single message in the singular', () => {
      chat.connection.setState('reconnecting');
      receipts.lost({ from: 4, to: 4 });
      receipts.lost({ from: 7, to: 8 });
      receipts.decrypted(9);
      chat.connection.setState('online');
      receipts.reconnected();
      jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);

      expect(lines()).toEqual(['1 message sent while you were away could not be recovered.', '2 messages sent while you were away could not be recovered.']);
      expect(chat.connection.receipts).toEqual([{ seq: 9, missed: { from: 4, to: 8 } }]);
    });
  });
});
