import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import { codePointLength, MAX_TEXT_CHARS } from '@ciphernest/protocol';

import type { ChatNotice } from './chat-entry';
import { isSendableText } from './is-sendable-text';

/** The counter shows from this many characters on. */
export const COUNTER_FROM = MAX_TEXT_CHARS - 1_000;

const format = (count: number) => count.toLocaleString('en');

function imageFiles(files: FileList | null | undefined): File[] {
  return Array.from(files ?? []).filter((file) => file.type.startsWith('image/'));
}

/**
 * Where a message is written: Enter sends, Shift+Enter starts a new line, a counter near the
 * limit; files (any kind) by picker, images by paste.
 */
@Component({
  selector: 'app-composer',
  templateUrl: './composer.html',
  styleUrl: './composer.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Composer {
  readonly disabled = input(false);
  readonly notice = input<ChatNotice | undefined>(undefined);
  readonly send = output<string>();
  /** A file picked or pasted, to send. */
  readonly attach = output<File>();
  /** True while there is text in the box, false when it empties. */
  readonly composing = output<boolean>();

  protected readonly text = signal('');
  protected readonly count = computed(() => codePointLength(this.text()));
  protected readonly tooLong = computed(() => this.count() > MAX_TEXT_CHARS);
  protected readonly counter = computed(() => {
    const count = this.count();
    if (count < COUNTER_FROM) return '';
    const over = count - MAX_TEXT_CHARS;
    const shown = `${format(count)} / ${format(MAX_TEXT_CHARS)}`;
    return over > 0 ? `${shown}: too long to send. Remove ${format(over)} ${over === 1 ? 'character' : 'characters'}.` : shown;
  });

  protected updateText(event: Event): void {
    const value = (event.target as HTMLTextAreaElement).value;
    this.text.set(value);
    this.composing.emit(value.trim() !== '');
  }

  protected sendOnEnter(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    this.sendMessage(event);
  }

  protected sendMessage(event: Event): void {
    event.preventDefault();
    const text = this.text();
    if (this.disabled() || !isSendableText(text)) return;
    this.send.emit(text);
    this.text.set('');
    this.composing.emit(false);
  }

  protected attachPicked(event: Event): void {
    const picker = event.target as HTMLInputElement;
    for (const file of Array.from(picker.files ?? [])) this.attach.emit(file);
    // Picking the same file again should send it again.
    picker.value = '';
  }

  protected attachPasted(event: ClipboardEvent): void {
    const data = event.clipboardData;
    const images = imageFiles(data?.files);
    // Text that comes with an image (e.g. from a document) is pasted as text.
    if (images.length === 0 || data?.types.includes('text/plain')) return;
    event.preventDefault();
    for (const image of images) this.attach.emit(image);
  }
}
