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
 * Where a message is written: Enter sends, Shift+Enter starts a new line, the box grows to about
 * six lines and then scrolls, a counter near the limit; images by their own picker ("Attach
 * image") or paste, files of any kind by "Attach file". A text over MAX_TEXT_CHARS is not sent:
 * the counter says by how much, Send is marked unavailable (aria-disabled, still focusable,
 * described by that sentence), and Enter or Send says it again in an alert instead of doing
 * nothing.
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
  /** How many characters too many, 0 when the text fits. */
  protected readonly over = computed(() => Math.max(0, this.count() - MAX_TEXT_CHARS));
  protected readonly tooLong = computed(() => this.over() > 0);
  protected readonly counter = computed(() => {
    const count = this.count();
    return count < COUNTER_FROM ? '' : `${format(count)} / ${format(MAX_TEXT_CHARS)}`;
  });
  protected readonly tooLongText = computed(() => {
    const over = this.over();
    return over === 0 ? '' : `Too long by ${format(over)} ${over === 1 ? 'character' : 'characters'}: shorten it to send.`;
  });
  /** What the alert says after a refused send; empty until then, and again once the text changes. */
  protected readonly refusal = signal('');

  protected updateText(event: Event): void {
    const value = (event.target as HTMLTextAreaElement).value;
    this.text.set(value);
    this.refusal.set('');
    this.composing.emit(value.trim() !== '');
  }

  protected sendOnEnter(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    this.sendMessage(event);
  }

  protected sendMessage(event: Event): void {
    event.preventDefault();
    const text = this.text();
    if (this.disabled()) return;
    if (this.tooLong()) {
      this.refuse();
      return;
    }
    if (!isSendableText(text)) return;
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

  /** Says why the text was not sent; a second refusal changes the alert's text (a no-break space) so that it is read again. */
  private refuse(): void {
    const reason = `Not sent. ${this.tooLongText()}`;
    this.refusal.update((said) => (said === reason ? `${reason}\u00a0` : reason));
  }
}
