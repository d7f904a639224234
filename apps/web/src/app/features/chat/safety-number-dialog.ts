import { ChangeDetectionStrategy, Component, type ElementRef, input, output, viewChild } from '@angular/core';
import type { SafetyNumber, Verification } from '@ciphernest/crypto';

import { closeDialog, openWhile } from './modal-dialog';

/** What the dialog shows of the pair's number: still being computed, not possible yet (the member's keys have not come), or the number. */
export type ShownSafetyNumber = 'computing' | 'unavailable' | SafetyNumber;

/**
 * A modal dialog with the safety number of this tab and one member (docs/protocol.md §3.1): 60
 * digits in groups of 5, the same as 18 words and as 34 emoji with their names, for the two
 * people to compare in person or on a call, and "Mark as verified" once they found it equal.
 * Named "Safety number with <name>"; the three forms are groups named "Safety number as digits",
 * "as words" and "as emoji". Escape (the browser's own, for a modal dialog) or Close close it.
 */
@Component({
  selector: 'app-safety-number-dialog',
  template: `
    <dialog #dialog aria-labelledby="safety-number-title" (close)="closed.emit()">
      @if (name(); as name) {
        <h2 id="safety-number-title">Safety number with {{ name }}</h2>
        <p class="hint">
          Compare it with {{ name }} in person or on a call: read the digits aloud, or the words, or name the emoji. If both of you
          see the same, each of you holds the other's real key and no one in between can read or forge your messages.
        </p>
        @switch (shownKind()) {
          @case ('computing') {
            <p role="status">Computing the safety number…</p>
          }
          @case ('unavailable') {
            <p role="status">{{ name }}'s keys have not arrived yet: there is no number to compare.</p>
          }
          @default {
            @if (safetyNumber(); as number) {
              <p class="digits" role="group" aria-label="Safety number as digits">
                @for (group of number.groups; track $index) {
                  <span>{{ group }}</span>&ngsp;
                }
              </p>
              <p class="words" role="group" aria-label="Safety number as words">{{ number.words.join(' ') }}</p>
              <ol class="emoji" role="group" aria-label="Safety number as emoji">
                @for (item of number.emoji; track $index) {
                  <li><span class="glyph" aria-hidden="true">{{ item.emoji }}</span>&ngsp;<span class="emoji-name">{{ item.name }}</span></li>
                }
              </ol>
            }
          }
        }
        @if (verification() === 'verified') {
          <p class="verified" role="status">You have verified {{ name }}: until {{ name }}'s key changes.</p>
        } @else if (verification() === 'key-changed') {
          <p class="changed">{{ name }}'s key changed during this room's life: compare again.</p>
        }
        <div class="actions">
          <button type="button" [disabled]="!safetyNumber() || verification() === 'verified'" (click)="markVerified.emit(name)">Mark as verified</button>
          <button #closeButton type="button" class="secondary" (click)="dismiss()">Close</button>
        </div>
      }
    </dialog>
  `,
  styles: `
    dialog {
      width: min(36rem, 94vw);
      max-height: 94dvh;
    }
    .hint {
      margin: 0 0 0.75rem;
      color: var(--muted);
      font-size: 0.875rem;
    }
    .digits {
      display: grid;
      grid-template-columns: repeat(4, max-content);
      gap: 0.25rem 1rem;
      margin: 0 0 0.75rem;
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      font-size: 1.125rem;
    }
    .words {
      margin: 0 0 0.75rem;
    }
    .emoji {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(5.5rem, 1fr));
      gap: 0.25rem;
      margin: 0 0 0.75rem;
      padding: 0;
      list-style: none;
    }
    .emoji li {
      display: flex;
      flex-direction: column;
      align-items: center;
      font-size: 0.75rem;
    }
    .glyph {
      font-size: 1.5rem;
    }
    .verified {
      color: var(--accent);
      font-weight: 600;
    }
    .changed {
      color: var(--warn);
      font-weight: 600;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      justify-content: flex-end;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SafetyNumberDialog {
  /** The member whose number with us is shown; the dialog is open while it is set. */
  readonly name = input<string | undefined>(undefined);
  readonly shown = input<ShownSafetyNumber>('computing');
  /** The member's verification as the layer says it now. */
  readonly verification = input<Verification | undefined>(undefined);
  /** "Mark as verified": the member's name. */
  readonly markVerified = output<string>();
  /** Emitted once the dialog has closed, however it was closed. */
  readonly closed = output<void>();

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly closeButton = viewChild<ElementRef<HTMLButtonElement>>('closeButton');

  constructor() {
    openWhile(this.dialog, this.closeButton, () => Boolean(this.name()));
  }

  protected shownKind(): 'computing' | 'unavailable' | 'number' {
    const shown = this.shown();
    return typeof shown === 'string' ? shown : 'number';
  }

  protected safetyNumber(): SafetyNumber | undefined {
    const shown = this.shown();
    return typeof shown === 'string' ? undefined : shown;
  }

  protected dismiss(): void {
    closeDialog(this.dialog().nativeElement);
  }
}
