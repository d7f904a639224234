import { afterRenderEffect, type ElementRef, type Signal } from '@angular/core';

// jsdom and old browsers lack the dialog methods; the open attribute is the fallback.

/** Opens `dialog` as a modal (or, without showModal, by its open attribute). */
export function showDialog(dialog: HTMLDialogElement): void {
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
}

/** Closes `dialog` if open; its `close` event fires either way. */
export function closeDialog(dialog: HTMLDialogElement): void {
  if (!dialog.hasAttribute('open')) return;
  if (typeof dialog.close === 'function') {
    dialog.close();
  } else {
    dialog.removeAttribute('open');
    dialog.dispatchEvent(new Event('close'));
  }
}

/**
 * Keeps a modal `dialog` open while `isOpen()` holds, focusing `focusFirst` as it opens, and
 * closes it once `isOpen()` no longer holds. Call from a component's constructor (an effect).
 */
export function openWhile(
  dialog: Signal<ElementRef<HTMLDialogElement>>,
  focusFirst: Signal<ElementRef<HTMLElement> | undefined>,
  isOpen: () => boolean,
): void {
  afterRenderEffect(() => {
    const element = dialog().nativeElement;
    if (isOpen() && !element.hasAttribute('open')) {
      showDialog(element);
      focusFirst()?.nativeElement.focus();
    } else if (!isOpen()) {
      closeDialog(element);
    }
  });
}
