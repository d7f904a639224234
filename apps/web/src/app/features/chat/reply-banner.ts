import { DOCUMENT, ChangeDetectionStrategy, Component, afterRenderEffect, computed, inject, input, output } from '@angular/core';

import type { ReplyTarget } from './chat-actions';

/** The composer's message field, which a reply being started puts the focus in. */
export const COMPOSER_FIELD_ID = 'composer-message';

/**
 * Above the composer while a reply is being written: "Replying to Ada: <excerpt>" and "Cancel
 * reply". When a reply starts (or moves to another message), focus goes to the message field;
 * cancelling puts it back there too.
 */
@Component({
  selector: 'app-reply-banner',
  template: `
    @if (target(); as target) {
      <div class="banner" role="group" aria-label="Reply">
        <p class="quote">
          Replying to <span class="from">{{ target.from }}</span>: <span class="excerpt">{{ target.excerpt }}</span>
        </p>
        <button type="button" class="secondary small" (click)="cancelReply()">Cancel reply</button>
      </div>
    }
  `,
  styles: `
    .banner {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin-top: 0.5rem;
      padding: 0.3rem 0.3rem 0.3rem 0.6rem;
      border-left: 3px solid var(--accent);
      border-radius: 0.375rem;
      background: var(--surface-2);
    }
    .quote {
      flex: 1;
      min-width: 0;
      margin: 0;
      font-size: 0.875rem;
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    .from {
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReplyBanner {
  readonly target = input<ReplyTarget | undefined>(undefined);
  readonly cancelled = output<void>();

  private readonly document = inject(DOCUMENT);
  /** Only a new target moves the focus, not the list changing around the same one. */
  private readonly targetId = computed(() => this.target()?.id);

  constructor() {
    afterRenderEffect(() => {
      if (this.targetId() !== undefined) this.focusComposer();
    });
  }

  protected cancelReply(): void {
    this.cancelled.emit();
    this.focusComposer();
  }

  private focusComposer(): void {
    this.document.getElementById(COMPOSER_FIELD_ID)?.focus();
  }
}
