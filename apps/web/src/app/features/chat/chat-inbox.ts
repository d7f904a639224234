import { DestroyRef, Injectable, inject } from '@angular/core';
import { type DecryptedMessage, UnknownKindError } from '@ciphernest/crypto';

import type { ReceivedMessage } from '../../core/realtime/server-event-streams';
import type { MessageContent } from './chat-entry';
import { ChatCipher } from './chat-cipher';
import { ChatLog } from './chat-log';
import { ChatReceipts } from './chat-receipts';
import { ChatTyping } from './chat-typing';
import { UnreadCounter } from './unread-counter';

/**
 * Shows what the others send, in the order the server relayed it: one message is opened at a
 * time, once the keys are there. A message whose id was shown already and one of a kind this
 * client does not know are dropped silently; one that does not open is dropped and counted in
 * one line (docs/protocol.md §3). A message shown ends its sender's typing and counts as unread
 * while the tab is hidden. Each message dealt with moves ChatReceipts on: one that opened (or
 * was a repeat of one that did) may be receipted; one that did not is only not asked for again.
 *
 * Security: contents are attacker-chosen (any member can seal anything); they leave here as
 * plain strings and object URLs for image elements, never as markup.
 */
@Injectable()
export class ChatInbox {
  private readonly cipher = inject(ChatCipher);
  private readonly log = inject(ChatLog);
  private readonly typing = inject(ChatTyping);
  private readonly unread = inject(UnreadCounter);
  private readonly receipts = inject(ChatReceipts);
  /** The messages waiting to be opened, one after the other, so the list keeps the server's order. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => (this.closed = true));
  }

  /** Messages received from now on wait for `ready` (the conversation kept across a reload, put back first). */
  holdUntil(ready: Promise<unknown>): void {
    this.queue = this.queue.then(() => ready).then(
      () => undefined,
      () => undefined,
    );
  }

  receive(message: ReceivedMessage): void {
    // One message that cannot be shown must not hold up those behind it.
    this.queue = this.queue.then(() => this.show(message)).catch(() => undefined);
  }

  private async show(message: ReceivedMessage): Promise<void> {
    if (this.closed) return;
    if (this.log.hasShown(message.id)) {
      this.receipts.decrypted(message.seq);
      return;
    }
    let opened: DecryptedMessage | undefined;
    try {
      opened = await this.cipher.open(message);
    } catch (error) {
      // A kind of a later version is dropped silently; anything else is counted as undecryptable.
      if (error instanceof UnknownKindError) {
        this.log.markShown(message.id);
        this.receipts.decrypted(message.seq);
      } else {
        this.log.countUndecryptable();
        this.receipts.handled(message.seq);
      }
      return;
    }
    if (opened === undefined || this.closed) return;
    this.receipts.decrypted(message.seq);
    this.log.append({ type: 'message', id: message.id, from: message.from, own: false, delivery: 'received', ts: message.ts, seq: message.seq, content: this.contentOf(message.id, opened) });
    this.typing.drop(message.from);
    this.unread.arrived();
  }

  private contentOf(id: string, opened: DecryptedMessage): MessageContent {
    if (opened.kind === 'text') return { kind: 'text', text: opened.text };
    try {
      const url = this.log.imageUrl(id, opened.bytes, opened.mime);
      return { kind: 'image', url, mime: opened.mime, width: opened.width, height: opened.height };
    } finally {
      // The Blob behind the URL holds its own copy.
      opened.bytes.fill(0);
    }
  }
}
