import { ChangeDetectionStrategy, Component, type ElementRef, input, output, viewChild } from '@angular/core';

import { closeDialog, openWhile } from './modal-dialog';

/**
 * Asks once before "Leave chat" ends the session: "Leave and erase this conversation?", with
 * "Leave and erase" and "Stay". Stay is focused first, so Enter, Escape (the browser's own,
 * for a modal dialog) and Stay all keep the conversation; only "Leave and erase" emits `leave`.
 */
@Component({
  selector: 'app-leave-dialog',
  template: `
    <dialog #dialog aria-labelledby="leave-title" aria-describedby="leave-detail" (close)="closed.emit()">
      @if (open()) {
        <h2 id="leave-title">Leave and erase this conversation?</h2>
        <p id="leave-detail" class="hint">
          Your session in this room ends, and this browser forgets the conversation. Coming back takes the room's name and password
          again, and shows nothing of what was said before.
        </p>
        <div class="actions">
          <button type="button" class="danger" (click)="confirm()">Leave and erase</button>
          <button #stayButton type="button" class="secondary" (click)="dismiss()">Stay</button>
        </div>
      }
    </dialog>
  `,
  styles: `
    dialog {
      width: min(30rem, 94vw);
      padding: 1rem 1.25rem;
      border: 1px solid var(--border);
      border-radius: 0.75rem;
      background: var(--surface);
      color: var(--text);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 60%);
    }
    h2 {
      margin: 0 0 0.5rem;
      font-size: 1.125rem;
    }
    .hint {
      margin: 0 0 1rem;
      color: var(--muted);
      font-size: 0.875rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      justify-content: flex-end;
    }
    .danger,
    .danger:hover:not(:disabled) {
      background: var(--danger);
      border-color: var(--danger);
      color: var(--surface);
    }
    .danger:hover:not(:disabled) {
      filter: brightness(0.92);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LeaveDialog {
  /** The dialog is open while this holds. */
  readonly open = input(false);
  /** "Leave and erase": the page leaves once the dialog has closed. */
  readonly leave = output<void>();
  /** Emitted once the dialog has closed, however it was closed. */
  readonly closed = output<void>();

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly stayButton = viewChild<ElementRef<HTMLButtonElement>>('stayButton');

  constructor() {
    openWhile(this.dialog, this.stayButton, () => this.open());
  }

  protected confirm(): void {
    this.leave.emit();
    closeDialog(this.dialog().nativeElement);
  }

  protected dismiss(): void {
    closeDialog(this.dialog().nativeElement);
  }
}
