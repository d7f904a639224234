import { DOCUMENT, Injectable, computed, inject, signal } from '@angular/core';

/** The only text a notification ever carries: no message text, names or room names. */
export const NOTIFICATION_TITLE = 'New message in CipherNest';
/** The title when the message mentions us (`@name`): still no text, name or room. */
export const MENTION_NOTIFICATION_TITLE = 'You were mentioned in CipherNest';

/** Which messages notify: none, every one, or only those that mention us. */
export type NotifyMode = 'off' | 'all' | 'mentions';

/**
 * Optional desktop notifications for messages that arrive while the tab is hidden: off until
 * the person chooses "All messages" or "Mentions only"; the browser's permission is requested
 * only then.
 */
@Injectable()
export class ChatNotifier {
  private readonly window = inject(DOCUMENT).defaultView;
  private readonly wanted = signal<NotifyMode>('off');
  private readonly permission = signal<NotificationPermission | 'unsupported'>(this.api()?.permission ?? 'unsupported');

  readonly supported = this.api() !== undefined;
  /** What the person chose, whatever the browser allows. */
  readonly mode = this.wanted.asReadonly();
  readonly enabled = computed(() => this.wanted() !== 'off' && this.permission() === 'granted');
  readonly blocked = computed(() => this.permission() === 'denied');

  /** Sets which messages notify; asks the browser's permission the first time it is needed. */
  async choose(mode: NotifyMode): Promise<void> {
    const api = this.api();
    if (!api) return;
    this.wanted.set(mode);
    if (mode === 'off') return;
    if (api.permission === 'default') this.permission.set(await api.requestPermission());
    else this.permission.set(api.permission);
  }

  /** A message came while the tab was hidden; `mentioned` when it names us. */
  notify(mentioned = false): void {
    const api = this.api();
    const mode = this.wanted();
    if (!api || !this.enabled() || (mode === 'mentions' && !mentioned)) return;
    // One tag: a burst of messages replaces the notification instead of stacking them.
    const notification = new api(mentioned ? MENTION_NOTIFICATION_TITLE : NOTIFICATION_TITLE, { tag: 'ciphernest-message' });
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
