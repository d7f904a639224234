import { TestBed } from '@angular/core/testing';

import { ChatTyping } from './chat-typing';
import { type ChatDoubles, configureChat, restoreChatGlobals } from './testing/chat-test-bed';

describe('ChatTyping', () => {
  let chat: ChatDoubles;
  let typing: ChatTyping;

  beforeEach(() => {
    jest.useFakeTimers();
    chat = configureChat();
    typing = TestBed.inject(ChatTyping);
  });

  afterEach(() => {
    jest.useRealTimers();
    restoreChatGlobals();
  });

  describe('the others', () => {
    it('shows who is typing and forgets them after 5 s without an update', () => {
      typing.follow({ name: 'Alice', active: true });
      expect(typing.others()).toEqual(['Alice']);

      jest.advanceTimersByTime(4_000);
      typing.follow({ name: 'Alice', active: true });
      jest.advanceTimersByTime(4_000);
      expect(typing.others()).toEqual(['Alice']);
      jest.advanceTimersByTime(1_000);
      expect(typing.others()).toEqual([]);
    });

    it('stops showing someone who says they stopped, or who is dropped', () => {
      typing.follow({ name: 'Alice', active: true });
      typing.follow({ name: 'Carol', active: true });
      typing.follow({ name: 'Dave', active: true });
      typing.follow({ name: 'Carol', active: false });
      typing.drop('Dave');

      expect(typing.others()).toEqual(['Alice']);
    });
  });

  describe('ours', () => {
    it('says we are typing at most every 2 s, and that we stopped after 3 s idle', () => {
      typing.composing(true);
      jest.advanceTimersByTime(1_000);
      typing.composing(true);
      expect(chat.connection.typingSent).toEqual([true]);

      jest.advanceTimersByTime(1_000);
      typing.composing(true);
      expect(chat.connection.typingSent).toEqual([true, true]);

      jest.advanceTimersByTime(2_999);
      expect(chat.connection.typingSent).toEqual([true, true]);
      jest.advanceTimersByTime(1);
      expect(chat.connection.typingSent).toEqual([true, true, false]);
    });

    it('says nothing once the connection has ended', () => {
      typing.composing(true);
      chat.connection.end('left');

      typing.composing(true);
      typing.stop();
      jest.advanceTimersByTime(10_000);

      expect(chat.connection.typingSent).toEqual([true]);
    });
  });

  it('forgets all typing, ours without a word, when cleared', () => {
    typing.follow({ name: 'Alice', active: true });
    typing.composing(true);

    typing.clear();
    jest.advanceTimersByTime(10_000);

    expect(typing.others()).toEqual([]);
    expect(chat.connection.typingSent).toEqual([true]);
  });
});
