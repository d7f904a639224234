import { TestBed } from '@angular/core/testing';

import { UnreadCounter } from './unread-counter';
import { type ChatDoubles, configureChat, restoreChatGlobals } from './testing/chat-test-bed';

describe('UnreadCounter', () => {
  let chat: ChatDoubles;
  let unread: UnreadCounter;

  beforeEach(() => {
    chat = configureChat();
    unread = TestBed.inject(UnreadCounter);
  });

  afterEach(() => restoreChatGlobals());

  it('counts and announces messages that arrive while the tab is hidden', () => {
    unread.arrived();
    chat.hidden = true;
    unread.arrived();
    unread.arrived();

    expect(unread.count()).toBe(2);
    expect(chat.notifications).toBe(2);
  });

  it('starts again from 0 once the tab is shown', () => {
    chat.hidden = true;
    unread.arrived();

    document.dispatchEvent(new Event('visibilitychange'));
    expect(unread.count()).toBe(1);
    chat.hidden = false;
    document.dispatchEvent(new Event('visibilitychange'));

    expect(unread.count()).toBe(0);
  });

  it('stops listening to the document when the chat goes away', () => {
    chat.hidden = true;
    unread.arrived();

    TestBed.resetTestingModule();
    chat.hidden = false;
    document.dispatchEvent(new Event('visibilitychange'));

    expect(unread.count()).toBe(1);
  });
});
