import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  afterRenderEffect,
  computed,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';

import type { ChatEntry, MessageEntry } from './chat-entry';
import { conversationRows } from './conversation-rows';
import { ImageViewer, type ViewedImage } from './image-viewer';
import { type ChosenReaction, type ImageToView, MessageItem } from './message-item';
import { ReadingPosition } from './reading-position';
import { type ReplyQuote, replyQuote } from './reply-quote';

/** How long a message a quote led to stays highlighted. */
export const JUMP_HIGHLIGHT_MS = 2_000;

/** The log counts as scrolled to its end within this many pixels of it. */
const END_SLACK_PX = 48;

/** ms until the next local midnight (and a second, so that the day has surely changed). */
function untilMidnight(now: number): number {
  const at = new Date(now);
  return new Date(at.getFullYear(), at.getMonth(), at.getDate() + 1).getTime() - now + 1_000;
}

/**
 * The conversation: messages (each a {@link MessageItem}) and system lines in a polite live log
 * that follows new lines unless the reader has scrolled up, under day separators, with runs of
 * one sender grouped, the delivery state only where it matters (conversationRows), and the
 * "New messages" divider and "Jump to newest (3 new)" for what the reader has not seen
 * (ReadingPosition); images open full size in one viewer. A reply's quote leads to its original:
 * scrolled into view, focused and highlighted a moment.
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

  private readonly document = inject(DOCUMENT);
  private readonly position = new ReadingPosition();
  /** Changes when the local day may have: "Today" and "Yesterday" are then worked out again. */
  private readonly day = signal(0);
  /** The log's end is in view (within END_SLACK_PX): new lines are followed. */
  protected readonly following = signal(true);

  protected readonly rows = computed(() => {
    this.day();
    const entries = this.entries();
    return conversationRows(entries, { now: Date.now(), unseen: this.position.anchor(entries) });
  });
  protected readonly unseen = computed(() => this.position.unseenCount(this.entries()));
  protected readonly viewing = signal<ViewedImage | undefined>(undefined);
  /** The message a quote just led to. */
  protected readonly jumpedTo = signal<string | undefined>(undefined);
  private readonly messagesById = computed(() => new Map(this.entries().flatMap((entry) => (entry.type === 'message' ? [[entry.id, entry] as const] : []))));
  private jumpTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  private viewedFrom: HTMLElement | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.jumpTimer));
    afterRenderEffect(() => {
      const entries = this.entries();
      this.rows();
      const last = entries[entries.length - 1];
      const ownJustSent = last?.type === 'message' && last.own && last.delivery === 'pending';
      if (untracked(this.following) || ownJustSent) this.scrollToEnd();
    });
    const destroyRef = inject(DestroyRef);
    const seenOrNot = () => {
      this.day.update((day) => day + 1);
      if (this.document.hidden) this.position.wentAway(untracked(this.entries));
      else if (untracked(this.following)) this.position.caughtUp(untracked(this.entries));
    };
    this.document.addEventListener('visibilitychange', seenOrNot);
    destroyRef.onDestroy(() => this.document.removeEventListener('visibilitychange', seenOrNot));
    let midnight: ReturnType<typeof setTimeout>;
    const atMidnight = () => {
      midnight = setTimeout(() => {
        this.day.update((day) => day + 1);
        atMidnight();
      }, untilMidnight(Date.now()));
    };
    atMidnight();
    destroyRef.onDestroy(() => clearTimeout(midnight));
    // The log gets shorter when the composer grows (or the window, or a phone's keyboard, changes it): keep the end in view.
    afterNextRender(() => {
      if (typeof ResizeObserver === 'undefined') return;
      const resized = new ResizeObserver(() => this.keepEndInView());
      resized.observe(this.log().nativeElement);
      destroyRef.onDestroy(() => resized.disconnect());
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
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < END_SLACK_PX;
    if (atEnd === this.following()) return;
    this.following.set(atEnd);
    if (!atEnd) this.position.wentAway(this.entries());
    else if (!this.document.hidden) this.position.caughtUp(this.entries());
  }

  /** "Jump to newest": the end of the log, and focus on the log, since the button goes. */
  protected jumpToNewest(): void {
    this.scrollToEnd();
    this.log().nativeElement.focus({ preventScroll: true });
  }

  /** An image that loads makes its line taller, a growing composer the log shorter: keep the end in view if we were following. */
  protected keepEndInView(): void {
    if (this.following()) this.scrollToEnd();
  }

  private scrollToEnd(): void {
    const log = this.log().nativeElement;
    log.scrollTop = log.scrollHeight;
    this.following.set(true);
    if (!this.document.hidden) this.position.caughtUp(untracked(this.entries));
  }
}
