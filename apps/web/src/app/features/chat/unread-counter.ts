import { DOCUMENT, DestroyRef, Injectable, inject, signal } from '@angular/core';

import { ChatNotifier } from './chat-notifier';

/**
 * Messages from the others that arrived while the tab was hidden: counted (for the title),
 * announced by the notifier, and forgotten once the tab is seen again. The message list marks
 * the same messages (and those that came while it was scrolled up) with its "New messages"
 * divider, by position rather than by count (ReadingPosition).
 */
@Injectable()
export class UnreadCounter {
  private readonly document = inject(DOCUMENT);
  private readonly notifier = inject(ChatNotifier);
  private readonly unread = signal(0);

  readonly count = this.unread.asReadonly();

  constructor() {
    const resetWhenSeen = () => {
      if (!this.document.hidden) this.unread.set(0);
    };
    this.document.addEventListener('visibilitychange', resetWhenSeen);
    inject(DestroyRef).onDestroy(() => this.document.removeEventListener('visibilitychange', resetWhenSeen));
  }

  /** A message from someone else was shown; `mentioned` when its text names us (`@name`). */
  arrived(mentioned = false): void {
    if (!this.document.hidden) return;
    this.unread.update((count) => count + 1);
    this.notifier.notify(mentioned);
  }
}
