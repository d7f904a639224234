import { AttemptLog, type AttemptReservation } from '../application/ports/attempt-log';

interface Slot {
  at: number;
  ticket: string;
}

/** Attempts in this process's memory: each call runs to its end before another starts. Keys whose slots all left the window are swept. */
export class InMemoryAttemptLog extends AttemptLog {
  private readonly slots = new Map<string, Slot[]>();
  private nextSweep = 0;
  private tickets = 0;

  async reserve(key: string, now: number, windowMs: number, limit: number): Promise<AttemptReservation> {
    const held = within(this.slots.get(key), now, windowMs);
    this.sweep(now, windowMs);
    if (held.length >= limit) {
      this.slots.set(key, held);
      return { ok: false, retryAfterMs: held[held.length - limit]!.at + windowMs - now };
    }
    this.tickets += 1;
    const ticket = String(this.tickets);
    this.slots.set(key, [...held, { at: now, ticket }]);
    return { ok: true, ticket, free: limit - held.length - 1 };
  }

  async release(key: string, ticket: string): Promise<void> {
    const held = this.slots.get(key)?.filter((slot) => slot.ticket !== ticket);
    if (held === undefined) return;
    if (held.length === 0) this.slots.delete(key);
    else this.slots.set(key, held);
  }

  private sweep(now: number, windowMs: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + windowMs;
    for (const [key, slots] of this.slots) {
      if (within(slots, now, windowMs).length === 0) this.slots.delete(key);
    }
  }
}

/** Slots "in the future" (the wall clock stepped back) are dropped rather than kept for longer; oldest first. */
function within(slots: Slot[] | undefined, now: number, windowMs: number): Slot[] {
  return (slots ?? []).filter((slot) => slot.at <= now && now - slot.at < windowMs);
}
