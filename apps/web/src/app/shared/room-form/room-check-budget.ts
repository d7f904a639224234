import { Injectable } from '@angular/core';

/** Room-name checks one tab makes at most in a minute: a sixth of the server's default look-up limit (120). */
export const ROOM_CHECKS_PER_MIN = 20;

const MINUTE_MS = 60_000;

/**
 * Keeps the create and join forms' live room-name checks under the server's look-up limit
 * (docs/protocol.md §7 `RATE_LOOKUPS_PER_MIN`), which they share with the join itself: at most
 * {@link ROOM_CHECKS_PER_MIN} checks over a sliding minute, and none at all until a refusal's
 * `Retry-After` has passed. A refused check shows in the browser's console as an error, and a
 * spent limit would refuse the join that follows. One budget for the whole tab, whichever form
 * is open.
 */
@Injectable({ providedIn: 'root' })
export class RoomCheckBudget {
  private taken: number[] = [];
  private pausedUntil = 0;

  /** Milliseconds until a check may be made at `now` (0: at once). */
  waitMs(now: number): number {
    this.taken = this.taken.filter((at) => now - at < MINUTE_MS);
    const pause = Math.max(0, this.pausedUntil - now);
    const full = this.taken.length >= ROOM_CHECKS_PER_MIN ? this.taken[this.taken.length - ROOM_CHECKS_PER_MIN]! + MINUTE_MS - now : 0;
    return Math.max(pause, full);
  }

  /** Counts a check made at `now`. */
  take(now: number): void {
    this.taken.push(now);
  }

  /** The server refused a check: make none for `ms` (its Retry-After, or a minute). */
  pause(now: number, ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
  }
}
