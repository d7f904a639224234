import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, output, signal, viewChild } from '@angular/core';
import type { ReactionEmoji } from '@ciphernest/crypto';

import { canActOn, canDeleteForEveryone } from './chat-actions';
import type { MessageEntry, Reaction } from './chat-entry';
import { ConfirmDialog } from './confirm-dialog';
import { deliveryText, reachDetail } from './delivery-text';
import { FileCard } from './file-card';
import { imageFileName } from './image-file-name';
import type { ViewedImage } from './image-viewer';
import { type MessageAction, MessageActionsMenu } from './message-actions-menu';
import { reactionLabel } from './message-reactions';
import { MessageText } from './message-text';
import type { ReplyQuote } from './reply-quote';

/** An image of the conversation to show full size, and the element to return focus to. */
export interface ImageToView {
  image: ViewedImage;
  from: HTMLElement;
}

/** A reaction chosen on a message: `emoji` on the message `id`. */
export interface ChosenReaction {
  id: string;
  emoji: ReactionEmoji;
}

/**
 * One message of the conversation (the host is its `<li>`, with the id `message-<id>` so that a
 * quote can lead to it): sender and time, the quote of a reply (a button that leads to the
 * original), the text (`@name` mentions highlighted), image or file (a {@link FileCard}), its reactions (a toggle each,
 * named "👍 2: Alice, You"), the "Message actions" menu (MessageActionsMenu; Delete for everyone
 * asks first), and for our own its delivery state: Sending, Sent, Delivered or "Delivered to 2 of
 * 3" with the names shown on hover and focus, dismissed with Escape, and read as the status's
 * description; or Not sent with Send again and Copy. The names are hidden from the live log
 * (aria-hidden), so that showing them announces nothing. A deleted message says "Message deleted".
 * The list marks a message that continues its sender's run with the class `continued`: its sender
 * and time are then visually hidden (a screen reader still reads them) and show on hover and focus.
 */
@Component({
  selector: 'li[app-message-item]',
  imports: [ConfirmDialog, DatePipe, FileCard, MessageActionsMenu, MessageText],
  templateUrl: './message-item.html',
  styleUrl: './message-item.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[id]': "'message-' + entry().id",
    tabindex: '-1',
    '[class.jumped]': 'highlighted()',
  },
})
export class MessageItem {
  readonly entry = input.required<MessageEntry>();
  /** False once the session has ended: nothing can be re-sent, and no action taken, then. */
  readonly canRetry = input(true);
  /** False for one of our messages whose state need not be repeated (a later one of ours says it). */
  readonly showDelivery = input(true);
  /** Our username: our reactions read "You", a mention of it stands out. */
  readonly me = input('');
  /** The room's members, whose `@name` mentions are highlighted. */
  readonly names = input<readonly string[]>([]);
  /** What a reply shows of the message it quotes. */
  readonly quote = input<ReplyQuote | undefined>(undefined);
  /** Briefly true after a quote led here. */
  readonly highlighted = input(false);
  /** "Send again" on one of our messages that was not sent: its id. */
  readonly retry = output<string>();
  /** "Copy" on one of our messages that was not sent, or "Copy text" in the menu: its id. */
  readonly copyText = output<string>();
  /** The image thumbnail was activated. */
  readonly viewImage = output<ImageToView>();
  /** The message became taller after it was shown (an image loaded). */
  readonly grew = output();
  /** "Reply": the id of the message to quote. */
  readonly reply = output<string>();
  /** A reaction chosen in the menu or toggled under the message. */
  readonly react = output<ChosenReaction>();
  /** "Delete for everyone", confirmed: the id. */
  readonly deleteForEveryone = output<string>();
  /** The quote of a reply was activated: the id of the original. */
  readonly jumpTo = output<string>();

  /** The names were dismissed with Escape, until the pointer or focus leaves them. */
  protected readonly dismissed = signal(false);
  /** "Delete for everyone" was chosen: the question is open. */
  protected readonly confirmingDelete = signal(false);
  protected readonly canRespond = computed(() => this.canRetry() && canActOn(this.entry()));
  protected readonly canDelete = computed(() => this.canRetry() && canDeleteForEveryone(this.entry()));
  protected readonly canCopy = computed(() => this.entry().content.kind === 'text');
  protected readonly hasActions = computed(() => this.canRespond() || this.canDelete() || (this.canCopy() && this.entry().delivery !== 'failed'));
  protected readonly ownReactions = computed(() => (this.entry().reactions ?? []).filter((reaction) => reaction.names.includes(this.me())).map((reaction) => reaction.emoji));
  private readonly menu = viewChild(MessageActionsMenu);
  private readonly host: HTMLElement = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private deleting = false;

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

  /** The id of the sender and time: what the actions button's description points at. */
  protected metaId(entry: MessageEntry): string {
    return `meta-${entry.id}`;
  }

  protected sender(entry: MessageEntry): string {
    return entry.own ? 'You' : entry.from;
  }

  protected imageAlt(entry: MessageEntry): string {
    return entry.own ? 'Image you sent' : `Image from ${entry.from}`;
  }

  protected reactionName(reaction: Reaction): string {
    return reactionLabel(reaction, this.me());
  }

  protected view(event: Event): void {
    const entry = this.entry();
    if (entry.content.kind !== 'image') return;
    const { url, width, height } = entry.content;
    const fileName = imageFileName(entry.content, new Date(entry.ts ?? Date.now()));
    this.viewImage.emit({ image: { url, width, height, alt: this.imageAlt(entry), fileName }, from: event.currentTarget as HTMLElement });
  }

  protected act(action: MessageAction): void {
    const id = this.entry().id;
    if (action.kind === 'reply') this.reply.emit(id);
    else if (action.kind === 'copy') this.copyText.emit(id);
    else if (action.kind === 'react') this.react.emit({ id, emoji: action.emoji });
    else this.confirmingDelete.set(true);
  }

  protected confirmDelete(): void {
    this.deleting = true;
    this.deleteForEveryone.emit(this.entry().id);
  }

  /** Focus goes back to the menu's button, or, once the message is being deleted, to the message itself. */
  protected deleteQuestionClosed(): void {
    this.confirmingDelete.set(false);
    if (this.deleting) this.host.focus();
    else this.menu()?.focusButton();
    this.deleting = false;
  }
}
