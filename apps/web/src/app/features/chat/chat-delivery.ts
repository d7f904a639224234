import { Injectable, inject } from '@angular/core';
import type { ReceiptEvent, SeqRange } from '@ciphernest/protocol';

import type { ChatEntry, MessageEntry, Reach } from './chat-entry';
import { ChatLog } from './chat-log';
import { RoomPresence } from './room-presence';

/** Per member, the missed spans remembered (merged when they touch); older ones are forgotten. */
export const MISSED_SPANS_KEPT = 32;

/** What the others' receipts say: per member, the highest seq and the spans it reported missed. */
export interface ReceiptState {
  name: string;
  seq: number;
  missed: SeqRange[];
}

function covers(receipt: ReceiptState | undefined, seq: number): boolean {
  return receipt !== undefined && seq <= receipt.seq && !receipt.missed.some((span) => span.from <= seq && seq <= span.to);
}

function withSpan(spans: readonly SeqRange[], span: SeqRange): SeqRange[] {
  const last = spans[spans.length - 1];
  if (last !== undefined && span.from <= last.to + 1) return [...spans.slice(0, -1), { from: Math.min(last.from, span.from), to: Math.max(last.to, span.to) }];
  return [...spans, span].slice(-MISSED_SPANS_KEPT);
}

function waitsFor(entry: ChatEntry, name: string): entry is MessageEntry & { seq: number; reach: Reach } {
  return entry.type === 'message' && entry.own && entry.seq !== undefined && entry.reach !== undefined && entry.reach.waiting.includes(name);
}

/**
 * Whom our messages have reached, from the others' receipts (docs/protocol.md §5.2). A message's
 * audience is fixed when it is acknowledged: every member present then (online or away) but us.
 * It is `delivered` once each of them has a receipt reaching its seq, unless that receipt
 * reported the seq missed; alone in the room it stays `sent`. Receipts that come before the ack
 * are kept, so the order of the two does not matter.
 */
@Injectable()
export class ChatDelivery {
  private readonly log = inject(ChatLog);
  private readonly presence = inject(RoomPresence);
  private readonly receipts = new Map<string, ReceiptState>();

  /** Starts from receipts kept across a reload. */
  restore(states: readonly ReceiptState[]): void {
    for (const state of states) this.receipts.set(state.name, { name: state.name, seq: state.seq, missed: [...state.missed] });
  }

  /** Every member's latest receipt, for keeping across a reload. */
  states(): ReceiptState[] {
    return [...this.receipts.values()];
  }

  /** Our message `id` was acknowledged with `seq` (and `ts`): who was there to get it, and who has. */
  acknowledged(id: string, seq: number, ts: number, me: string): void {
    const audience = this.presence
      .members()
      .map((member) => member.name)
      .filter((name) => name !== me);
    const reach = this.reachOf(seq, audience);
    this.log.update(id, { delivery: this.deliveryOf(reach), seq, ts, reach, error: undefined });
  }

  /** Another member's receipt: our messages up to its seq have reached them (but those it missed). */
  follow(receipt: ReceiptEvent): void {
    const known = this.receipts.get(receipt.name);
    const missed = receipt.missed === undefined ? (known?.missed ?? []) : withSpan(known?.missed ?? [], receipt.missed);
    this.receipts.set(receipt.name, { name: receipt.name, seq: Math.max(known?.seq ?? 0, receipt.seq), missed });
    for (const entry of this.log.entries()) {
      if (!waitsFor(entry, receipt.name)) continue;
      const reach = this.reachOf(entry.seq, [...entry.reach.delivered, ...entry.reach.waiting]);
      this.log.update(entry.id, { delivery: this.deliveryOf(reach), reach });
    }
  }

  private reachOf(seq: number, audience: readonly string[]): Reach {
    const delivered = audience.filter((name) => covers(this.receipts.get(name), seq));
    return { delivered, waiting: audience.filter((name) => !delivered.includes(name)) };
  }

  private deliveryOf(reach: Reach): 'sent' | 'delivered' {
    return reach.waiting.length === 0 && reach.delivered.length > 0 ? 'delivered' : 'sent';
  }
}
