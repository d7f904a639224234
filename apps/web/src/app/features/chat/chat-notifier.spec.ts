import { TestBed } from '@angular/core/testing';

import { ChatNotifier, NOTIFICATION_TITLE } from './chat-notifier';

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
    await notifier.toggle();
    notifier.notify();

    expect(FakeNotification.requests).toBe(1);
    expect(notifier.enabled()).toBe(true);
    expect(FakeNotification.shown).toEqual([{ title: NOTIFICATION_TITLE, options: { tag: 'ciphernest-message' } }]);
    expect(NOTIFICATION_TITLE).toBe('New message in CipherNest');
  });

  it('stays off when permission is refused, and says it is blocked', async () => {
    FakeNotification.answer = 'denied';
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.toggle();
    notifier.notify();

    expect(notifier.enabled()).toBe(false);
    expect(notifier.blocked()).toBe(true);
    expect(FakeNotification.shown).toEqual([]);
  });

  it('turns off again', async () => {
    const notifier = TestBed.inject(ChatNotifier);
    await notifier.toggle();
    await notifier.toggle();
    notifier.notify();

    expect(notifier.enabled()).toBe(false);
    expect(FakeNotification.shown).toEqual([]);
  });
});
