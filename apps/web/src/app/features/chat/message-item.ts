import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input, output, signal } from '@angular/core';

import type { MessageEntry } from './chat-entry';
import { deliveryText, reachDetail } from './delivery-text';
import { FileCard } from './file-card';
import { imageFileName } from './image-file-name';
import type { ViewedImage } from './image-viewer';
import { MessageText } from './message-text';

/** An image of the conversation to show full size, and the element to return focus to. */
export interface ImageToView {
  image: ViewedImage;
  from: HTMLElement;
}

/**
 * One message of the conversation (the host is its `<li>`): sender and time, the text, image or
 * file (a {@link FileCard}), and for our own its delivery state: Sending, Sent, Delivered or
 * "Delivered to 2 of 3" with the names shown on hover and focus, dismissed with Escape, and read
 * as the status's description; or Not sent with Send again and Copy. The names are hidden from the live log (aria-hidden), so
 * that showing them announces nothing. The list marks a message that continues its sender's run
 * with the class `continued`: its sender and time are then visually hidden (a screen reader still
 * reads them) and the time shows on hover and focus.
 */
@Component({
  selector: 'li[app-message-item]',
  imports: [DatePipe, FileCard, MessageText],
  templateUrl: './message-item.html',
  styleUrl: './message-item.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageItem {
  readonly entry = input.required<MessageEntry>();
  /** False once the session has ended: nothing can be re-sent then. */
  readonly canRetry = input(true);
  /** False for one of our messages whose state need not be repeated (a later one of ours says it). */
  readonly showDelivery = input(true);
  /** "Send again" on one of our messages that was not sent: its id. */
  readonly retry = output<string>();
  /** "Copy" on one of our text messages that was not sent: its id. */
  readonly copyText = output<string>();
  /** The image thumbnail was activated. */
  readonly viewImage = output<ImageToView>();
  /** The message became taller after it was shown (an image loaded). */
  readonly grew = output();

  /** The names were dismissed with Escape, until the pointer or focus leaves them. */
  protected readonly dismissed = signal(false);

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

  protected view(event: Event): void {
    const entry = this.entry();
    if (entry.content.kind !== 'image') return;
    const { url, width, height } = entry.content;
    const fileName = imageFileName(entry.content, new Date(entry.ts ?? Date.now()));
    this.viewImage.emit({ image: { url, width, height, alt: this.imageAlt(entry), fileName }, from: event.currentTarget as HTMLElement });
  }
}
