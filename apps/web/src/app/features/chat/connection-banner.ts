import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';

import { endReasonText } from '../../core/errors/error-text';
import type { ConnectionState, EndReason } from '../../core/realtime/chat-connection';

/**
 * How long a reconnect may take before the banner stops promising that what is written goes out
 * when the connection is back: the server's default grace (docs/protocol.md §6, DISCONNECT_GRACE_MS).
 * The client cannot know the server's setting; past this, the session may have ended.
 */
export const GRACE_HINT_MS = 10_000;

/**
 * Says what is true when the connection is not simply up: connecting; reconnecting (what we
 * write then is sent when it is back, and once the grace may have run out, that it is kept);
 * or ended, how and why in one sentence, how many of our messages were not sent, and a way back
 * to the room with its name and ours filled in.
 */
@Component({
  selector: 'app-connection-banner',
  imports: [RouterLink],
  template: `
    <div class="banner" role="status" [attr.data-state]="state()">
      @switch (state()) {
        @case ('connecting') {
          <p>Connecting…</p>
        }
        @case ('reconnecting') {
          @if (longOffline()) {
            <p>Still reconnecting… If your session ends meanwhile, what you write stays here to be sent when you join again.</p>
          } @else {
            <p>Connection lost. Reconnecting… Messages you write are sent when it is back.</p>
          }
        }
        @case ('ended') {
          <p>
            <strong>{{ reason() }}</strong>
            @if (unsentText(); as unsent) {
              {{ unsent }}
            }
          </p>
          <a routerLink="/login" [queryParams]="{ roomname: roomName(), username: username() }">Join again</a>
        }
      }
    </div>
  `,
  styles: `
    .banner:not([data-state='online']) {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem 1rem;
      margin: 0 0 0.75rem;
      padding: 0.5rem 0.75rem;
      border: 1px solid var(--border);
      border-left: 4px solid var(--muted);
      border-radius: 0.5rem;
      background: var(--surface);
    }
    .banner[data-state='ended'] {
      border-left-color: var(--danger);
    }
    p {
      margin: 0;
    }
    a {
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionBanner {
  readonly state = input.required<ConnectionState>();
  readonly endReason = input<EndReason | undefined>(undefined);
  readonly roomName = input('');
  readonly username = input('');
  /** Our messages that did not go out; once the session has ended they are offered in the next one. */
  readonly unsent = input(0);

  /** Reconnecting for longer than {@link GRACE_HINT_MS}. */
  protected readonly longOffline = signal(false);

  protected readonly reason = computed(() => {
    const reason = this.endReason();
    return reason === undefined ? 'Your session has ended.' : endReasonText(reason);
  });

  protected readonly unsentText = computed(() => {
    const count = this.unsent();
    if (count === 0 || this.endReason() === 'left') return '';
    return count === 1 ? 'A message you wrote was not sent: join again to send it.' : `${count} messages you wrote were not sent: join again to send them.`;
  });

  constructor() {
    let timer: ReturnType<typeof setTimeout> | undefined;
    effect(() => {
      clearTimeout(timer);
      timer = undefined;
      this.longOffline.set(false);
      if (this.state() === 'reconnecting') timer = setTimeout(() => this.longOffline.set(true), GRACE_HINT_MS);
    });
    inject(DestroyRef).onDestroy(() => clearTimeout(timer));
  }
}
