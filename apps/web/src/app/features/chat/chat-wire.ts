import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { Outgoing } from '@ciphernest/crypto';

import { ApiProblem } from '../../core/api/api-problem';
import { ChatConnection } from '../../core/realtime/chat-connection';
import type { MessageStamp } from '../../core/realtime/unacked-messages';
import { ChatReceipts } from './chat-receipts';

/** How long a layer box that the server refused as too fast waits before it goes again. */
export const LAYER_BOX_RETRY_MS = 1_000;

/**
 * Everything this tab sends, in the order it was made, each box after the previous one was
 * acknowledged (docs/protocol.md §3.1: a "chain" must not overtake the "keys" before it, nor a
 * message the "chain" that reads it). The layer's own boxes ("keys", "chain") are kept until
 * acknowledged, so that a reload sends them again ({@link unsent}, then {@link sendLayerBoxes} again); one the
 * server refuses as too fast (RATE_LIMITED) goes again after {@link LAYER_BOX_RETRY_MS}. Every
 * acknowledgement moves ChatReceipts' resume point on.
 *
 * Security: boxes are opaque ciphertext; they are never logged.
 */
@Injectable()
export class ChatWire {
  private readonly connection = inject(ChatConnection);
  private readonly receipts = inject(ChatReceipts);
  /** The layer's boxes not acknowledged yet, in order. */
  private readonly waiting: Outgoing[] = [];
  private line: Promise<unknown> = Promise.resolve();
  private readonly changes = signal(0);
  private closed = false;

  /** Counts changes to {@link unsent}. */
  readonly revision = this.changes.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => (this.closed = true));
  }

  /**
   * The layer's "keys" and "chain" boxes, after everything sent before them; also, after a
   * reload, those kept unacknowledged from before it (the server acknowledges one it has already
   * relayed with its first seq).
   */
  sendLayerBoxes(boxes: readonly Outgoing[]): void {
    if (boxes.length === 0) return;
    for (const box of boxes) {
      this.waiting.push(box);
      void this.enqueue(() => this.deliverLayerBox(box));
    }
    this.changes.update((count) => count + 1);
  }

  /**
   * One of our messages, after everything sent before it; resolves with the ack's seq and ts.
   *
   * @throws ApiProblem as ChatConnection.send does.
   */
  send(message: { id: string; box: Uint8Array }): Promise<MessageStamp> {
    return this.enqueue(async () => {
      const stamp = await this.connection.send(message);
      this.receipts.acknowledged(stamp.seq);
      return stamp;
    });
  }

  /** The layer's boxes made but not acknowledged, in order: kept with the conversation for a reload. */
  unsent(): Outgoing[] {
    return [...this.waiting];
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.line.then(task);
    this.line = result.catch(() => undefined);
    return result;
  }

  private async deliverLayerBox(box: Outgoing): Promise<void> {
    for (;;) {
      try {
        const { seq } = await this.connection.send({ id: box.id, box: box.box });
        this.receipts.acknowledged(seq);
        this.forget(box);
        return;
      } catch (error) {
        // The page is going or the session ended: what was kept for a reload stays kept.
        if (this.closed || this.connection.state() === 'ended') return;
        if (!(error instanceof ApiProblem && error.code === 'RATE_LIMITED')) {
          this.forget(box);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, LAYER_BOX_RETRY_MS));
      }
    }
  }

  private forget(box: Outgoing): void {
    const index = this.waiting.indexOf(box);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    this.changes.update((count) => count + 1);
  }
}
