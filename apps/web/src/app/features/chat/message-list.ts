import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, type ElementRef, afterRenderEffect, input, output, signal, viewChild } from '@angular/core';

import type { ChatEntry } from './chat-entry';
import { ImageViewer, type ViewedImage } from './image-viewer';
import { type ImageToView, MessageItem } from './message-item';

/**
 * The conversation: messages (each a {@link MessageItem}) and system lines in a polite live log
 * that follows new lines unless the reader has scrolled up; images open full size in one viewer.
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
  /** "Copy" on one of our text messages that was not sent: its id. */
  readonly copyText = output<string>();

  protected readonly viewing = signal<ViewedImage | undefined>(undefined);
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
