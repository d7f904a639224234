import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, type ElementRef, afterRenderEffect, computed, inject, input, output, signal, viewChild } from '@angular/core';

import type { ChatEntry, MessageEntry } from './chat-entry';
import { ImageViewer, type ViewedImage } from './image-viewer';
import { type ChosenReaction, type ImageToView, MessageItem } from './message-item';
import { type ReplyQuote, replyQuote } from './reply-quote';

/** How long a message a quote led to stays highlighted. */
export const JUMP_HIGHLIGHT_MS = 2_000;

/**
 * The conversation: messages (each a {@link MessageItem}) and system lines in a polite live log
 * that follows new lines unless the reader has scrolled up; images open full size in one viewer.
 * A reply's quote leads to its original: scrolled into view, focused and highlighted a moment.
 */
@Component({
  selector: 'app-message-list',
  imports: [DatePipe, ImageViewer, MessageItem],
  templateUrl: './message-list.html',
  styleUrl: './message-list.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageList {
  readonly entries = input.required<readonly ChatEntry[]>();
  /** False once the session has ended: nothing can be re-sent then. */
  readonly canRetry = input(true);
  /** "Send again" on one of our messages that was not sent: its id. */
  readonly retry = output<string>();
  /** "Copy" on one of our text messages that was not sent, or "Copy text" in a message's menu: its id. */
  readonly copyText = output<string>();
  /** Our username (our reactions read "You"; mentions of it stand out). */
  readonly me = input('');
  /** The room's members, whose `@name` mentions are highlighted. */
  readonly names = input<readonly string[]>([]);
  /** "Reply" in a message's menu: its id. */
  readonly reply = output<string>();
  /** A reaction chosen or toggled on a message. */
  readonly react = output<ChosenReaction>();
  /** "Delete for everyone", confirmed: the id. */
  readonly deleteForEveryone = output<string>();

  protected readonly viewing = signal<ViewedImage | undefined>(undefined);
  /** The message a quote just led to. */
  protected readonly jumpedTo = signal<string | undefined>(undefined);
  private readonly messagesById = computed(() => new Map(this.entries().flatMap((entry) => (entry.type === 'message' ? [[entry.id, entry] as const] : []))));
  private jumpTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  private viewedFrom: HTMLElement | undefined;
  /** Follow new lines unless the reader has scrolled up to read older ones. */
  private following = true;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.jumpTimer));
    afterRenderEffect(() => {
      const entries = this.entries();
      const last = entries[entries.length - 1];
      const ownJustSent = last?.type === 'message' && last.own && last.delivery === 'pending';
      if (this.following || ownJustSent) this.scrollToEnd();
    });
  }

  protected iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  protected view({ image, from }: ImageToView): void {
    this.viewedFrom = from;
    this.viewing.set(image);
  }

  /** Focus goes back where a keyboard user opened the viewer from. */
  protected returnFromViewer(): void {
    this.viewing.set(undefined);
    this.viewedFrom?.focus();
    this.viewedFrom = undefined;
  }

  protected quoteOf(entry: MessageEntry): ReplyQuote | undefined {
    return entry.replyTo === undefined ? undefined : replyQuote(this.messagesById().get(entry.replyTo));
  }

  /** Scrolls the message `id` into view, focuses it and highlights it for {@link JUMP_HIGHLIGHT_MS}. */
  protected jumpTo(id: string): void {
    const log = this.log().nativeElement;
    const target = log.ownerDocument.getElementById(`message-${id}`);
    if (target === null || !log.contains(target)) return;
    target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
    this.jumpedTo.set(id);
    clearTimeout(this.jumpTimer);
    this.jumpTimer = setTimeout(() => this.jumpedTo.set(undefined), JUMP_HIGHLIGHT_MS);
  }

  protected updateFollowing(): void {
    const log = this.log().nativeElement;
    this.following = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  /** An image that loads makes its line taller: keep the end in view if we were following. */
  protected keepEndInView(): void {
    if (this.following) this.scrollToEnd();
  }

  private scrollToEnd(): void {
    const log = this.log().nativeElement;
    log.scrollTop = log.scrollHeight;
    this.following = true;
  }
}
