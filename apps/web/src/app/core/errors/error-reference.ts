import { ChangeDetectionStrategy, Component, effect, input, signal } from '@angular/core';

/**
 * The small "Reference: <id>" line under an error the server answered: the request's id
 * (ApiProblem.requestId, the same in the server's and the proxy's logs), so a person can quote it
 * to the admin ("I got an error at 14:02, reference 5f0c…"). One click selects the whole id; the
 * Copy button puts it on the clipboard, or selects it where the clipboard is not available.
 * Shows nothing without an id (no answer came, so there is nothing to look up).
 */
@Component({
  selector: 'app-error-reference',
  template: `
    @if (reference(); as id) {
      <p class="reference">
        <span>Reference: <code #code class="id">{{ id }}</code></span>
        <button type="button" class="small secondary" (click)="copy(id, code)" [attr.aria-label]="'Copy reference ' + id">Copy</button>
        <span class="status" aria-live="polite">
          @switch (copied()) {
            @case ('copied') {
              Copied.
            }
            @case ('failed') {
              Selected: copy it yourself.
            }
          }
        </span>
      </p>
    }
  `,
  styles: `
    .reference {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 0.5rem;
      margin: 0.5rem 0 0;
      color: var(--muted);
      font-size: 0.875rem;
    }
    .id {
      user-select: all;
      overflow-wrap: anywhere;
      color: var(--text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ErrorReference {
  /** The request id to show; undefined shows nothing. */
  readonly reference = input<string | undefined>();

  private readonly copiedState = signal<'idle' | 'copied' | 'failed'>('idle');
  readonly copied = this.copiedState.asReadonly();

  constructor() {
    // A new reference is a new error: what was said about copying the last one no longer applies.
    effect(() => {
      this.reference();
      this.copiedState.set('idle');
    });
  }

  async copy(id: string, code: HTMLElement): Promise<void> {
    try {
      if (!globalThis.navigator?.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(id);
      this.copiedState.set('copied');
    } catch {
      // Without clipboard access (an insecure origin, a refused permission) the selection lets people copy by hand.
      const selection = code.ownerDocument.getSelection();
      selection?.selectAllChildren(code);
      this.copiedState.set('failed');
    }
  }
}
