import { ChangeDetectionStrategy, Component, type ElementRef, input, output, viewChild } from '@angular/core';

import { closeDialog, openWhile } from './modal-dialog';

/**
 * The member list on a narrow screen: a modal dialog named "Members" that slides over the right
 * side of the room, with what is projected into it. Escape (the browser's own), Close or a tap on
 * the backdrop close it; the page puts focus back on the button that opened it.
 */
@Component({
  selector: 'app-members-drawer',
  template: `
    <dialog
      #dialog
      tabindex="-1"
      aria-label="Members"
      (close)="closed.emit()"
      (keydown.escape)="dismiss($event)"
      (click)="dismissOnBackdrop($event)"
    >
      <div class="sheet">
        <button #closeButton type="button" class="close secondary small" (click)="dismiss()">
          Close<span class="visually-hidden">&ngsp;members</span>
        </button>
        <ng-content />
      </div>
    </dialog>
  `,
  styles: `
    dialog {
      width: min(22rem, 88vw);
      max-width: none;
      height: 100dvh;
      max-height: none;
      margin: 0 0 0 auto;
      padding: 0;
      border: 0;
      border-left: 1px solid var(--border);
      border-radius: 0;
    }
    .sheet {
      display: grid;
      gap: 0.5rem;
      min-height: 100%;
      align-content: start;
      padding: 0.75rem 1rem 1rem;
    }
    .close {
      justify-self: end;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MembersDrawer {
  /** The drawer is open while this holds. */
  readonly open = input(false);
  /** Emitted once the drawer has closed, however it was closed. */
  readonly closed = output<void>();

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly closeButton = viewChild.required<ElementRef<HTMLButtonElement>>('closeButton');

  constructor() {
    openWhile(this.dialog, this.closeButton, () => this.open());
  }

  protected dismiss(event?: Event): void {
    event?.preventDefault();
    closeDialog(this.dialog().nativeElement);
  }

  protected dismissOnBackdrop(event: MouseEvent): void {
    // The sheet fills the dialog, so a click on the dialog element itself is a click on the backdrop.
    if (event.target === this.dialog().nativeElement) this.dismiss();
  }
}
