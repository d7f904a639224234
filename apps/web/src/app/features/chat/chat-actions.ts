import { DOCUMENT, Injectable, computed, inject, signal } from '@angular/core';
import type { ReactionEmoji } from '@ciphernest/crypto';

import type { ChatNotice, MessageEntry } from './chat-entry';
import { ChatLog } from './chat-log';
import { ChatOutbox } from './chat-outbox';
import { hasReacted } from './message-reactions';
import { excerptOf, senderOf } from './reply-quote';

/** The message a reply being written quotes, as the composer's banner shows it. */
export interface ReplyTarget {
  id: string;
  /** "You" for our own. */
  from: string;
  excerpt: string;
}

function isMessage(entry: { type: string }): entry is MessageEntry {
  return entry.type === 'message';
}

/** True for a message one can reply to or react to: one that shows, and of ours one the others have. */
export function canActOn(entry: MessageEntry): boolean {
  const shown = entry.content.kind !== 'held' && entry.content.kind !== 'deleted';
  return shown && !(entry.own && (entry.delivery === 'pending' || entry.delivery === 'failed'));
}

/** True for a message we may delete for everyone: one of ours that the server has acknowledged. */
export function canDeleteForEveryone(entry: MessageEntry): boolean {
  return entry.own && entry.content.kind !== 'deleted' && (entry.delivery === 'sent' || entry.delivery === 'delivered');
}

/**
 * The message actions of docs/protocol.md §3 on the open chat's messages: the reply being written
 * (its target, shown above the composer until sent or cancelled), reactions, delete for
 * everyone, and copying a message's text. A reaction or a delete goes out as a message of its
 * own (ChatOutbox.sendAction) and changes this tab's list once the server has acknowledged it,
 * as the others' lists change when they receive it (ChatInbox); one that fails changes nothing
 * and answers a notice.
 */
@Injectable()
export class ChatActions {
  private readonly log = inject(ChatLog);
  private readonly outbox = inject(ChatOutbox);
  private readonly document = inject(DOCUMENT);
  private readonly replyId = signal<string | undefined>(undefined);

  /** The message the reply being written quotes; undefined when none, or once it was deleted or left the list. */
  readonly replyingTo = computed<ReplyTarget | undefined>(
    () => {
      const id = this.replyId();
      const entry = id === undefined ? undefined : this.log.entries().find((line) => line.id === id);
      if (entry === undefined || !isMessage(entry) || !canActOn(entry)) return undefined;
      return { id: entry.id, from: senderOf(entry), excerpt: excerptOf(entry) };
    },
    { equal: (a, b) => a?.id === b?.id && a?.from === b?.from && a?.excerpt === b?.excerpt },
  );

  /** The next text sent replies to the message `id`; undefined cancels the reply. */
  startReply(id: string | undefined): void {
    this.replyId.set(id);
  }

  /** The id the next text replies to (if its target still shows); the reply is then no longer being written. */
  takeReply(): string | undefined {
    const target = this.replyingTo()?.id;
    this.replyId.set(undefined);
    return target;
  }

  /**
   * Turns our reaction `emoji` on the message `id` on, or off if it is on, for everyone. A
   * notice when it could not be sent (nothing changed then).
   */
  async react(me: string, id: string, emoji: ReactionEmoji): Promise<ChatNotice | undefined> {
    const entry = this.message(id);
    if (entry === undefined || !canActOn(entry)) return undefined;
    const on = !hasReacted(entry, emoji, me);
    try {
      await this.outbox.sendAction({ kind: 'reaction', to: id, emoji, on });
    } catch {
      return { tone: 'error', text: 'The reaction could not be sent.' };
    }
    this.log.react(id, emoji, me, on);
    return undefined;
  }

  /**
   * Deletes our message `id` for everyone: the others' clients honour it because it comes from
   * its sender (docs/protocol.md §3). Its content goes from this tab once the server has it; a
   * notice when it could not be sent (nothing changed then).
   */
  async deleteForEveryone(me: string, id: string): Promise<ChatNotice | undefined> {
    const entry = this.message(id);
    if (entry === undefined || !canDeleteForEveryone(entry)) return undefined;
    try {
      await this.outbox.sendAction({ kind: 'delete', to: id });
    } catch {
      return { tone: 'error', text: 'The message could not be deleted for everyone.' };
    }
    this.log.deleteBy(id, me);
    return undefined;
  }

  /** Copies a message's text to the clipboard; the notice says how it went. */
  async copyText(id: string): Promise<ChatNotice | undefined> {
    const entry = this.message(id);
    if (entry?.content.kind !== 'text') return undefined;
    try {
      await this.document.defaultView?.navigator.clipboard.writeText(entry.content.text);
      return { tone: 'info', text: 'Copied.' };
    } catch {
      return { tone: 'error', text: 'This browser did not allow copying. Select the text to copy it.' };
    }
  }

  private message(id: string): MessageEntry | undefined {
    return this.log.entries().find((line): line is MessageEntry => isMessage(line) && line.id === id);
  }
}
