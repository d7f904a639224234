import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, type ElementRef, afterRenderEffect, input, output, signal, viewChild } from '@angular/core';

import type { ChatEntry, MessageEntry } from './chat-entry';
import { deliveryText, reachDetail } from './delivery-text';
import { ImageViewer, type ViewedImage } from './image-viewer';
import { MessageText } from './message-text';

/**
 * The conversation: our messages with their delivery state (Sending, Sent, Delivered or
 * "Delivered to 2 of 3" with the names shown on hover and focus, dismissed with Escape, and read
 * as the status's description; or Not sent with Send again and Copy), everyone else's with
 * sender and time, images inline (full size on click) and system lines. A polite live log: the
 * names are hidden from it (aria-hidden), so that showing them announces nothing.
 */
@Component({
  selector: 'app-message-list',
  imports: [DatePipe, ImageViewer, MessageText],
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
  /** "Copy" on one of our text messages that was not sent: its id. */
  readonly copyText = output<string>();

  protected readonly viewing = signal<ViewedImage | undefined>(undefined);
  /** The message whose names were dismissed with Escape, until the pointer or focus leaves it. */
  protected readonly dismissed = signal<string | undefined>(undefined);
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  private viewedFrom: HTMLElement | undefined;
  /** Follow new lines unless the reader has scrolled up to read older ones. */
  private following = true;

  constructor() {
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

  protected status(entry: MessageEntry): string {
    return deliveryText(entry);
  }

  protected detail(entry: MessageEntry): string | undefined {
    return reachDetail(entry);
  }

  /** The id of the element that names who has `entry`: what the status's aria-describedby points at. */
  protected namesId(entry: MessageEntry): string {
    return `reach-${entry.id}`;
  }

  protected sender(entry: MessageEntry): string {
    return entry.own ? 'You' : entry.from;
  }

  protected imageAlt(entry: MessageEntry): string {
    return entry.own ? 'Image you sent' : `Image from ${entry.from}`;
  }

  protected view(entry: MessageEntry, event: Event): void {
    if (entry.content.kind !== 'image') return;
    this.viewedFrom = event.currentTarget as HTMLElement;
    const { url, width, height } = entry.content;
    this.viewing.set({ url, width, height, alt: this.imageAlt(entry) });
  }

  /** Focus goes back where a keyboard user opened the viewer from. */
  protected returnFromViewer(): void {
    this.viewing.set(undefined);
    this.viewedFrom?.focus();
    this.viewedFrom = undefined;
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
