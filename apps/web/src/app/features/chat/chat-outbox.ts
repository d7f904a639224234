import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MAX_TEXT_CHARS } from '@ciphernest/protocol';

import { ApiProblem } from '../../core/api/api-problem';
import { CryptoService } from '../../core/crypto/crypto.service';
import { errorText } from '../../core/errors/error-text';
import { ChatConnection } from '../../core/realtime/chat-connection';
import type { MessageContent } from './chat-entry';
import { ChatCipher, type OutgoingContent } from './chat-cipher';
import { ChatLog } from './chat-log';
import type { PreparedImage } from './image-prep';

function sendErrorText(error: unknown): string {
  if (error instanceof ApiProblem) return errorText(error.code);
  if (error instanceof RangeError) return `Messages can be at most ${MAX_TEXT_CHARS.toLocaleString('en')} characters long.`;
  return 'The message could not be sent.';
}

/**
 * Our messages: each shows at once as pending, is sealed once, sent, and marked delivered with
 * the server's time or failed with a sentence. A failed one can be retried while its line is
 * in the list: with the same id and the same box, so the server can tell a repeat.
 */
@Injectable()
export class ChatOutbox {
  private readonly crypto = inject(CryptoService);
  private readonly cipher = inject(ChatCipher);
  private readonly connection = inject(ChatConnection);
  private readonly log = inject(ChatLog);
  /** Each unsent message's content until it is sealed, then its box. */
  private readonly unsent = new Map<string, OutgoingContent | Uint8Array>();

  constructor() {
    // A line that left the list cannot be retried; what was kept to send it goes with it.
    this.log.removed$.pipe(takeUntilDestroyed()).subscribe((id) => this.unsent.delete(id));
    inject(DestroyRef).onDestroy(() => this.unsent.clear());
  }

  /** Shows a text from `from` (us) as pending and sends it. */
  sendText(from: string, text: string): void {
    const id = this.crypto.newMessageId();
    void this.post(from, id, { kind: 'text', text }, { kind: 'text', text });
  }

  /**
   * Shows an image from `from` (us) at once from its own bytes and sends it; the promise settles
   * once it is delivered or failed. Undefined, with nothing sent, when the browser cannot show it.
   */
  sendImage(from: string, image: PreparedImage): Promise<void> | undefined {
    const id = this.crypto.newMessageId();
    let url: string;
    try {
      url = this.log.imageUrl(id, image.bytes, image.mime);
    } catch {
      return undefined;
    }
    const { mime, bytes, width, height } = image;
    return this.post(from, id, { kind: 'image', url, mime, width, height }, { kind: 'image', image: { mime, bytes, width, height } });
  }

  /** Sends a failed message again with the same id (and the same box, once sealed). */
  retry(id: string): void {
    if (!this.unsent.has(id)) return;
    this.log.update(id, { delivery: 'pending', error: undefined });
    void this.deliver(id);
  }

  private post(from: string, id: string, shown: MessageContent, content: OutgoingContent): Promise<void> {
    this.log.append({ type: 'message', id, from, own: true, delivery: 'pending', content: shown });
    this.unsent.set(id, content);
    return this.deliver(id);
  }

  private async deliver(id: string): Promise<void> {
    const kept = this.unsent.get(id);
    if (kept === undefined) return;
    try {
      const box = kept instanceof Uint8Array ? kept : await this.cipher.seal(id, kept);
      // Sealed once: a retry sends these bytes again, and the content itself is let go.
      if (this.unsent.get(id) === kept) this.unsent.set(id, box);
      const { ts } = await this.connection.send({ id, box });
      this.unsent.delete(id);
      this.log.update(id, { delivery: 'delivered', ts, error: undefined });
    } catch (error) {
      this.log.update(id, { delivery: 'failed', error: sendErrorText(error) });
    }
  }
}
