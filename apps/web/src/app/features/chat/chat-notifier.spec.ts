import { TestBed } from '@angular/core/testing';

import { ChatNotifier, MENTION_NOTIFICATION_TITLE, NOTIFICATION_TITLE } from './chat-notifier';

class FakeNotification {
  static permission: NotificationPermission = 'default';
  static answer: NotificationPermission = 'granted';
  static requests = 0;
  static shown: { title: string; options?: NotificationOptions }[] = [];
  onclick: (() => void) | null = null;

  constructor(title: string, options?: NotificationOptions) {
    FakeNotification.shown.push({ title, options });
  }

  static async requestPermission(): Promise<NotificationPermission> {
    FakeNotification.requests++;
    FakeNotification.permission = FakeNotification.answer;
    return FakeNotification.answer;
  }

  close(): void {
    // Nothing to close in a test.
  }
}

describe('ChatNotifier', () => {
  beforeEach(() => {
    FakeNotification.permission = 'default';
    FakeNotification.answer = 'granted';
    FakeNotification.requests = 0;
    FakeNotification.shown = [];
    Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: FakeNotification });
    TestBed.configureTestingModule({ providers: [ChatNotifier] });
  });

  afterEach(() => Reflect.deleteProperty(window, 'Notification'));

  it('stays quiet until asked', () => {
    const notifier = TestBed.inject(ChatNotifier);
    notifier.notify();

    expect(FakeNotification.shown).toEqual([]);
    expect(FakeNotification.requests).toBe(0);
  });

  it('asks for permission when turned on, then says only that a message came', async () => {
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.choose('all');
    notifier.notify();

    expect(FakeNotification.requests).toBe(1);
    expect(notifier.enabled()).toBe(true);
    expect(FakeNotification.shown).toEqual([{ title: NOTIFICATION_TITLE, options: { tag: 'ciphernest-message' } }]);
    expect(NOTIFICATION_TITLE).toBe('New message in CipherNest');
  });

  it('stays off when permission is refused, and says it is blocked', async () => {
    FakeNotification.answer = 'denied';
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.choose('all');
    notifier.notify();

    expect(notifier.enabled()).toBe(false);
    expect(notifier.blocked()).toBe(true);
    expect(FakeNotification.shown).toEqual([]);
  });

  it('turns off again', async () => {
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.choose('all');
    await notifier.choose('off');
    notifier.notify();
    notifier.notify(true);

    expect(notifier.enabled()).toBe(false);
    expect(FakeNotification.shown).toEqual([]);
  });

  it('in "mentions only", notifies for a message that mentions us and for no other', async () => {
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.choose('mentions');
    notifier.notify();
    notifier.notify(false);
    notifier.notify(true);

    expect(notifier.mode()).toBe('mentions');
    expect(FakeNotification.shown).toEqual([{ title: MENTION_NOTIFICATION_TITLE, options: { tag: 'ciphernest-message' } }]);
    expect(MENTION_NOTIFICATION_TITLE).toBe('You were mentioned in CipherNest');
  });

  it('in "all messages", a mention says so and any other message notifies too', async () => {
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.choose('all');
    notifier.notify(true);
    notifier.notify(false);

    expect(FakeNotification.shown.map((shown) => shown.title)).toEqual([MENTION_NOTIFICATION_TITLE, NOTIFICATION_TITLE]);
  });

  it('asks for permission once, however often the setting changes', async () => {
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.choose('mentions');
    await notifier.choose('all');
    await notifier.choose('off');
    await notifier.choose('mentions');

    expect(FakeNotification.requests).toBe(1);
    expect(notifier.enabled()).toBe(true);
  });
});
