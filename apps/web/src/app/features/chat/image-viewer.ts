import { ChangeDetectionStrategy, Component, type ElementRef, inject, input, output, viewChild } from '@angular/core';

import { BlobSaver } from './blob-saver';
import { closeDialog, openWhile } from './modal-dialog';

/** An image to show full size, and the name "Save image" offers. */
export interface ViewedImage {
  url: string;
  alt: string;
  fileName: string;
  width?: number;
  height?: number;
}

/**
 * A modal dialog with one image at full size; "Save image" downloads it (BlobSaver) under its
 * file name; Escape, the Close button or the backdrop close it.
 */
@Component({
  selector: 'app-image-viewer',
  template: `
    <dialog
      #dialog
      tabindex="-1"
      [attr.aria-label]="image()?.alt"
      (close)="closed.emit()"
      (keydown.escape)="dismiss($event)"
      (click)="dismissOnBackdrop($event)"
    >
      @if (image(); as image) {
        <div class="actions">
          <button type="button" class="secondary small" (click)="save(image)">Save image</button>
          <button #closeButton type="button" class="secondary small" (click)="dismiss()">Close</button>
        </div>
        <img [src]="image.url" [alt]="image.alt" [attr.width]="image.width" [attr.height]="image.height" />
      }
    </dialog>
  `,
  styles: `
    dialog {
      max-width: 96vw;
      max-height: 96dvh;
      padding: 0.75rem;
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 70%);
    }
    .actions {
      display: flex;
      gap: 0.5rem;
      justify-content: flex-end;
      margin: 0 0 0.5rem;
    }
    img {
      display: block;
      width: auto;
      height: auto;
      max-width: calc(96vw - 2rem);
      max-height: calc(96dvh - 5rem);
      object-fit: contain;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImageViewer {
  readonly image = input<ViewedImage | undefined>(undefined);
  /** Emitted once the dialog has closed, however it was closed. */
  readonly closed = output<void>();

  private readonly saver = inject(BlobSaver);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly closeButton = viewChild<ElementRef<HTMLButtonElement>>('closeButton');

  constructor() {
    openWhile(this.dialog, this.closeButton, () => Boolean(this.image()));
  }

  protected save(image: ViewedImage): void {
    this.saver.saveUrl(image.url, image.fileName);
  }

  protected dismiss(event?: Event): void {
    event?.preventDefault();
    closeDialog(this.dialog().nativeElement);
  }

  protected dismissOnBackdrop(event: MouseEvent): void {
    // A click on the dialog element itself, not its contents, is a click on the backdrop.
    if (event.target === this.dialog().nativeElement) this.dismiss();
  }
}
