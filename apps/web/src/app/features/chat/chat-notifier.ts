import { DOCUMENT, Injectable, computed, inject, signal } from '@angular/core';

/** The only text a notification ever carries: no message text, names or room names. */
export const NOTIFICATION_TITLE = 'New message in CipherNest';

/**
 * Optional desktop notifications for messages that arrive while the tab is hidden.
 * Off until the person asks; the browser's permission is requested only then.
 */
@Injectable()
export class ChatNotifier {
  private readonly window = inject(DOCUMENT).defaultView;
  private readonly wanted = signal(false);
  private readonly permission = signal<NotificationPermission | 'unsupported'>(this.api()?.permission ?? 'unsupported');

  readonly supported = this.api() !== undefined;
  readonly enabled = computed(() => this.wanted() && this.permission() === 'granted');
  readonly blocked = computed(() => this.permission() === 'denied');

  async toggle(): Promise<void> {
    const api = this.api();
    if (!api) return;
    if (this.wanted()) {
      this.wanted.set(false);
      return;
    }
    this.wanted.set(true);
    if (api.permission === 'default') this.permission.set(await api.requestPermission());
    else this.permission.set(api.permission);
  }

  notify(): void {
    const api = this.api();
    if (!api || !this.enabled()) return;
    // One tag: a burst of messages replaces the notification instead of stacking them.
    const notification = new api(NOTIFICATION_TITLE, { tag: 'ciphernest-message' });
    notification.onclick = () => {
      this.window?.focus();
      notification.close();
    };
  }

  private api(): typeof Notification | undefined {
    const view = this.window as (Window & { Notification?: typeof Notification }) | null;
    return view?.Notification;
  }
}
