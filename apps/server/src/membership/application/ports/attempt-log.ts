/**
 * A slot taken for an attempt (its ticket gives it back) with how many of the limit's slots were
 * still free once it was taken, or how long until one frees.
 */
export type AttemptReservation = { ok: true; ticket: string; free: number } | { ok: false; retryAfterMs: number };

/**
 * Attempts per key over a sliding window (failed joins per address key and room). The check and
 * the count are one atomic step, a reservation, so attempts that arrive at once can never take
 * more slots than the limit; with a shared store, not across processes either. An attempt that
 * turns out not to count gives its slot back.
 */
export abstract class AttemptLog {
  /**
   * Takes a slot for an attempt at `now` unless `limit` slots taken within the last `windowMs`
   * (`now - windowMs < at <= now`) are still held; then answers the milliseconds until enough
   * of them leave the window. A granted slot says how many slots were still free right after it
   * was taken (`limit` minus those held, itself included). Slots older than the window may be
   * forgotten.
   */
  abstract reserve(key: string, now: number, windowMs: number, limit: number): Promise<AttemptReservation>;

  /** Gives a slot back; a no-op once it has left the window (it frees nothing in a later one). */
  abstract release(key: string, ticket: string): Promise<void>;
}
