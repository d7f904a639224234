import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import { endReasonText } from '../../core/errors/error-text';
import type { ConnectionState, EndReason } from '../../core/realtime/chat-connection';

/** Says when the connection is not simply up: connecting, reconnecting, or ended and why. */
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
          <p>The connection was lost. Reconnecting… Messages you send now go out once it is back.</p>
        }
        @case ('ended') {
          <p><strong>Your session has ended.</strong> {{ reason() }}</p>
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

  protected readonly reason = computed(() => {
    const reason = this.endReason();
    return reason === undefined ? '' : endReasonText(reason);
  });
}
