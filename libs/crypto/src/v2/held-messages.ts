import type { E2eKind } from './e2e-envelope';
import { RATCHET_LIMITS } from './ratchet-limits';

/** A v2 body, out of its v1 box, with who sent it under which id. */
export interface E2eItem {
  from: string;
  id: string;
  kind: E2eKind;
  body: Uint8Array<ArrayBuffer>;
}

/** An item held, when, and in which place of arrival. */
export interface HeldEntry {
  item: E2eItem;
  heldAt: number;
  order: number;
}

/**
 * Bodies that arrived before what they need (docs/protocol.md §3.1, "Held messages"): a "chain"
 * or "sealed" from a member whose "keys" have not arrived, or a "sealed" (already verified) of
 * a chain not yet shared with this tab, as happens to a newcomer that resumes. Kept in arrival
 * order for at most `maxKeptAgeMs`, `maxHeldMessages` and `maxHeldBytes`; the oldest go first.
 */
export class HeldMessages {
  private readonly held: HeldEntry[] = [];
  private bytes = 0;
  private arrivals = 0;

  /** Keeps `item`; returns the items evicted to make room, oldest first. */
  add(item: E2eItem, now: number): E2eItem[] {
    this.held.push({ item, heldAt: now, order: this.arrivals++ });
    this.bytes += item.body.length;
    const evicted: E2eItem[] = [];
    while (this.held.length > RATCHET_LIMITS.maxHeldMessages || this.bytes > RATCHET_LIMITS.maxHeldBytes) evicted.push(this.removeAt(0).item);
    return evicted;
  }

  /** Puts back, in its place and with its first time, an item taken by {@link takeFrom} that still waits. */
  restore(taken: readonly HeldEntry[]): void {
    for (const entry of taken) {
      this.held.push(entry);
      this.bytes += entry.item.body.length;
    }
    this.held.sort((a, b) => a.order - b.order);
  }

  /** Takes every item whose sender `isSender` accepts, in arrival order. */
  takeFrom(isSender: (from: string) => boolean): HeldEntry[] {
    const taken: HeldEntry[] = [];
    for (let index = this.held.length - 1; index >= 0; index -= 1) {
      if (isSender(this.held[index].item.from)) taken.unshift(this.removeAt(index));
    }
    return taken;
  }

  /** Removes and returns the items held for longer than `maxKeptAgeMs`. */
  expire(now: number): E2eItem[] {
    const expired: E2eItem[] = [];
    while (this.held.length > 0 && now - this.held[0].heldAt > RATCHET_LIMITS.maxKeptAgeMs) expired.push(this.removeAt(0).item);
    return expired;
  }

  private removeAt(index: number): HeldEntry {
    const [entry] = this.held.splice(index, 1);
    this.bytes -= entry.item.body.length;
    return entry;
  }
}
