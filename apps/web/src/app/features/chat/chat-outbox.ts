import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ActionContent } from '@ciphernest/crypto';
import { MAX_TEXT_CHARS } from '@ciphernest/protocol';

import { ApiProblem } from '../../core/api/api-problem';
import { CryptoService } from '../../core/crypto/crypto.service';
import { errorText } from '../../core/errors/error-text';
import type { MessageContent, MessageEntry } from './chat-entry';
import { ChatCipher, type OutgoingContent } from './chat-cipher';
import { ChatDelivery } from './chat-delivery';
import { ChatLog } from './chat-log';
import { fileContent } from './file-content';
import type { PreparedFile } from './file-prep';
import type { PreparedImage } from './image-prep';

/** The sentence beside a message written in an earlier session of this tab that was never sent. */
export const CARRIED_OVER_TEXT = 'Written in your last session and not sent yet.';

/** One of our messages that has not been acknowledged: what it says, and once sealed, its box. */
export interface UnsentMessage {
  id: string;
  content: OutgoingContent;
}

function sendErrorText(error: unknown): string {
  if (error instanceof ApiProblem) return errorText(error.code);
  if (error instanceof RangeError) return `Messages can be at most ${MAX_TEXT_CHARS.toLocaleString('en')} characters long.`;
  return 'The message could not be sent.';
}

/**
 * Our messages: each shows at once as pending, is sealed once by the end-to-end layer (after
 * the layer's boxes due before it), sent after everything sealed before it, and marked sent with the
 * server's seq and time (ChatDelivery follows it on to delivered), or failed with a sentence.
 * A failed one can be sent again while its line is in the list: with the same id and the same
 * box, so the server can tell a repeat. What an unsent message says is kept until it is
 * acknowledged, so that it can be offered again in a later session ({@link unsent}, {@link offer}).
 */
@Injectable()
export class ChatOutbox {
  private readonly crypto = inject(CryptoService);
  private readonly cipher = inject(ChatCipher);
  private readonly log = inject(ChatLog);
  private readonly delivery = inject(ChatDelivery);
  /** Each unacknowledged message's content, and its box once sealed. */
  private readonly outgoing = new Map<string, { content: OutgoingContent; box?: Uint8Array; from: string }>();

  constructor() {
    // A line that left the list cannot be sent again; what was kept to send it goes with it.
    this.log.removed$.pipe(takeUntilDestroyed()).subscribe((id) => this.outgoing.delete(id));
    inject(DestroyRef).onDestroy(() => this.outgoing.clear());
  }

  /** Shows a text from `from` (us) as pending and sends it; with `replyTo`, as a reply quoting that message. */
  sendText(from: string, text: string, replyTo?: string): void {
    const id = this.crypto.newMessageId();
    void this.post(from, id, { kind: 'text', text }, replyTo === undefined ? { kind: 'text', text } : { kind: 'reply', text, to: replyTo });
  }

  /**
   * Seals and sends a reaction or a delete (docs/protocol.md §3): no line of its own, after
   * everything sent before it; resolves once the server has acknowledged it.
   *
   * @throws as ChatCipher.seal and ChatCipher.send do (the layer never opened, ApiProblem).
   */
  async sendAction(content: Exclude<ActionContent, { kind: 'reply' }>): Promise<void> {
    const id = this.crypto.newMessageId();
    this.log.markShown(id);
    await this.cipher.send({ id, box: await this.cipher.seal(id, content) });
  }

  /**
   * Shows an image from `from` (us) at once from its own bytes and sends it; the promise settles
   * once it is sent or failed. Undefined, with nothing sent, when the browser cannot show it.
   */
  sendImage(from: string, image: PreparedImage): Promise<void> | undefined {
    const id = this.crypto.newMessageId();
    const { mime, bytes, width, height } = image;
    const shown = this.imageLine(id, { kind: 'image', image: { mime, bytes, width, height } });
    if (shown === undefined) return undefined;
    return this.post(from, id, shown, { kind: 'image', image: { mime, bytes, width, height } });
  }

  /** Shows a file from `from` (us) at once and sends it; the promise settles once it is sent or failed. */
  sendFile(from: string, file: PreparedFile): Promise<void> {
    const id = this.crypto.newMessageId();
    const { mime, name, bytes } = file;
    return this.post(from, id, fileContent(file), { kind: 'file', file: { mime, name, bytes } });
  }

  /** Sends a failed message again with the same id (and the same box, once sealed). */
  retry(id: string): void {
    if (!this.outgoing.has(id)) return;
    this.log.update(id, { delivery: 'pending', error: undefined });
    void this.deliver(id);
  }

  /** Our messages not acknowledged (pending or failed), oldest first, with what they say. */
  unsent(): UnsentMessage[] {
    return [...this.outgoing].map(([id, { content }]) => ({ id, content }));
  }

  /**
   * Offers messages from `from` (us) that an earlier session of this tab could not send: each
   * shows as not sent, to be sent again (same id, sealed anew) or copied. Those already in the
   * list are skipped; so is an image the browser cannot show.
   */
  offer(from: string, messages: readonly UnsentMessage[]): void {
    for (const { id, content } of messages) {
      if (this.log.hasShown(id)) continue;
      const shown = this.shownLine(id, content);
      if (shown === undefined) continue;
      const replyTo = content.kind === 'reply' ? { replyTo: content.to } : {};
      this.log.append({ type: 'message', id, from, own: true, delivery: 'failed', error: CARRIED_OVER_TEXT, content: shown, ...replyTo });
      this.outgoing.set(id, { content, from });
    }
  }

  /**
   * Takes over our unacknowledged lines restored after a reload (`content` is what they say):
   * pending ones are sent again at once with their ids (the server tells a repeat), failed ones
   * wait to be sent again.
   */
  resume(from: string, restored: readonly { entry: MessageEntry; content: OutgoingContent }[]): void {
    for (const { entry, content } of restored) {
      this.outgoing.set(entry.id, { content, from });
      if (entry.delivery === 'pending') void this.deliver(entry.id);
    }
  }

  private shownLine(id: string, content: OutgoingContent): MessageContent | undefined {
    if (content.kind === 'text') return content;
    if (content.kind === 'reply') return { kind: 'text', text: content.text };
    if (content.kind === 'file') return fileContent(content.file);
    if (content.kind === 'image') return this.imageLine(id, content);
    return undefined;
  }

  private imageLine(id: string, content: Extract<OutgoingContent, { kind: 'image' }>): MessageContent | undefined {
    const { mime, bytes, width, height } = content.image;
    try {
      return { kind: 'image', url: this.log.imageUrl(id, bytes, mime), mime, width, height };
    } catch {
      return undefined;
    }
  }

  private post(from: string, id: string, shown: MessageContent, content: OutgoingContent): Promise<void> {
    const replyTo = content.kind === 'reply' ? { replyTo: content.to } : {};
    this.log.append({ type: 'message', id, from, own: true, delivery: 'pending', content: shown, ...replyTo });
    this.outgoing.set(id, { content, from });
    return this.deliver(id);
  }

  private async deliver(id: string): Promise<void> {
    const kept = this.outgoing.get(id);
    if (kept === undefined) return;
    try {
      // Sealed once: a retry sends these bytes again.
      kept.box ??= await this.cipher.seal(id, kept.content);
      const { seq, ts } = await this.cipher.send({ id, box: kept.box });
      this.outgoing.delete(id);
      this.delivery.acknowledged(id, seq, ts, kept.from);
    } catch (error) {
      this.log.update(id, { delivery: 'failed', error: sendErrorText(error) });
    }
  }
}
