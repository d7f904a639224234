import { ChangeDetectionStrategy, Component, type ElementRef, input, output, viewChild } from '@angular/core';

import { closeDialog, openWhile } from './modal-dialog';

let dialogs = 0;

/**
 * A modal question with two answers: `confirmLabel` (emits `confirmed`) and Cancel; Escape (the
 * browser's own, for a modal dialog) cancels too. Cancel has the focus when it opens, so that
 * Enter does nothing harmful. `closed` follows either answer.
 */
@Component({
  selector: 'app-confirm-dialog',
  template: `
    <dialog #dialog [attr.aria-labelledby]="titleId" [attr.aria-describedby]="detailId" (close)="closed.emit()">
      @if (open()) {
        <h2 [id]="titleId">{{ question() }}</h2>
        <p [id]="detailId">{{ detail() }}</p>
        <div class="buttons">
          <button type="button" class="danger" (click)="confirm()">{{ confirmLabel() }}</button>
          <button #cancel type="button" class="secondary" (click)="dismiss()">{{ cancelLabel() }}</button>
        </div>
      }
    </dialog>
  `,
  styles: `
    dialog {
      max-width: min(26rem, 92vw);
    }
    p {
      margin: 0 0 1rem;
      color: var(--muted);
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      justify-content: flex-end;
    }
    .danger,
    .danger:hover:not(:disabled) {
      border-color: var(--danger);
      background: var(--danger);
      color: var(--surface);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  readonly open = input(false);
  readonly question = input.required<string>();
  readonly detail = input('');
  readonly confirmLabel = input.required<string>();
  /** The answer that keeps things as they are (focused first). */
  readonly cancelLabel = input('Cancel');
  readonly confirmed = output<void>();
  /** Emitted once the dialog has closed, whatever the answer. */
  readonly closed = output<void>();

  protected readonly titleId = `confirm-title-${++dialogs}`;
  protected readonly detailId = `confirm-detail-${dialogs}`;
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly cancel = viewChild<ElementRef<HTMLButtonElement>>('cancel');

  constructor() {
    openWhile(this.dialog, this.cancel, () => this.open());
  }

  protected confirm(): void {
    this.confirmed.emit();
    this.dismiss();
  }

  protected dismiss(): void {
    closeDialog(this.dialog().nativeElement);
  }
}
