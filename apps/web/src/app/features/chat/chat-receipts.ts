import { DestroyRef, Injectable, inject } from '@angular/core';
import type { SeqRange } from '@ciphernest/protocol';

import { ChatConnection } from '../../core/realtime/chat-connection';
import { ChatLog } from './chat-log';

/** Receipts go out at most this often (docs/protocol.md §5.2). */
export const RECEIPT_INTERVAL_MS = 1_000;

/** How far this tab has got in the room's seq, as kept across a reload. */
export interface ReadPoint {
  /** The highest seq seen: received messages (shown or not), our acknowledged ones, missed spans. */
  seen: number;
  /** The highest seq received and decrypted. */
  opened: number;
  /** The highest seq our last receipt carried. */
  receipted: number;
}

function missedText(count: number): string {
  return count === 1
    ? '1 message sent while you were away could not be recovered.'
    : `${count.toLocaleString('en')} messages sent while you were away could not be recovered.`;
}

/**
 * How far this tab has got in the room, both ways (docs/protocol.md §5.1, §5.2): the highest seq
 * it has seen, which every reconnect resumes from, and receipts telling the others the highest
 * it has received and decrypted, at most once every {@link RECEIPT_INTERVAL_MS} and only when it
 * grew. A `missed` span becomes one line in the list and goes out once, with the next receipt.
 *
 * The resume point is undefined for a tab that kept nothing of its session (a reload that lost
 * its state): it then asks for no replay. A new session starts at 0. It stays below a message
 * the end-to-end layer holds for keys that have not come ({@link held}), so that a reload, which
 * keeps no held body, asks for it again; a repeat of what was shown meanwhile is dropped.
 */
@Injectable()
export class ChatReceipts {
  private readonly connection = inject(ChatConnection);
  private readonly log = inject(ChatLog);
  private seen: number | undefined;
  /** The seqs of messages held for their keys: not yet dealt with. */
  private readonly heldSeqs = new Set<number>();
  private opened = 0;
  private receipted = 0;
  private missed: SeqRange | undefined;
  private sentAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  /** Starts from `point`, or with nothing kept (no resume point) when it is undefined. */
  start(point: ReadPoint | undefined): void {
    this.seen = point?.seen;
    this.opened = point?.opened ?? 0;
    this.receipted = point?.receipted ?? 0;
  }

  /** What the next handshake resumes from; undefined for no replay. */
  resumePoint(): number | undefined {
    if (this.seen === undefined || this.heldSeqs.size === 0) return this.seen;
    return Math.min(this.seen, Math.min(...this.heldSeqs) - 1);
  }

  /** Where this tab stands now, for keeping it across a reload. */
  point(): ReadPoint {
    return { seen: this.resumePoint() ?? 0, opened: this.opened, receipted: this.receipted };
  }

  /** A relayed message waits for its keys: until it is dealt with, resuming asks for it again. */
  held(seq: number): void {
    this.heldSeqs.add(seq);
    this.seen = Math.max(this.seen ?? 0, seq);
  }

  /** A relayed message was dealt with (shown, a repeat, or not opened): it need not come again. */
  handled(seq: number): void {
    this.see(seq);
  }

  /** A relayed message was received and decrypted: the others may hear of it. */
  decrypted(seq: number): void {
    this.see(seq);
    if (seq <= this.opened) return;
    this.opened = seq;
    this.schedule();
  }

  /** One of our messages was acknowledged with `seq`. */
  acknowledged(seq: number): void {
    this.see(seq);
  }

  /** The server no longer holds `span` for us: say so once, and tell the others with the next receipt. */
  lost(span: SeqRange): void {
    this.log.addSystem(missedText(span.to - span.from + 1), Date.now());
    this.missed = this.missed === undefined ? span : { from: Math.min(this.missed.from, span.from), to: Math.max(this.missed.to, span.to) };
    this.see(span.to);
    this.schedule();
  }

  /** A new connection is up: whatever has not gone out yet goes now (still no more than once a second). */
  reconnected(): void {
    if (this.receiptSeq() > this.receipted) this.schedule();
  }

  /** A receipt covers everything up to its seq that was decrypted or reported missed. */
  private receiptSeq(): number {
    return Math.max(this.opened, this.missed?.to ?? 0);
  }

  private see(seq: number): void {
    this.heldSeqs.delete(seq);
    this.seen = Math.max(this.seen ?? 0, seq);
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.sentAt + RECEIPT_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, wait);
  }

  private send(): void {
    const seq = this.receiptSeq();
    if (seq <= this.receipted) {
      // The server drops a receipt that does not grow, and its missed span with it.
      this.missed = undefined;
      return;
    }
    // Offline: it goes on the next connection (reconnected()).
    if (!this.connection.receipt(seq, this.missed)) return;
    this.receipted = seq;
    this.missed = undefined;
    this.sentAt = Date.now();
  }
}
