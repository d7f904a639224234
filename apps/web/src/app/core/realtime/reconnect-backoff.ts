/** Reconnect backoff: 500 ms doubling to 5 s, each delay randomized by ±50%. */
export const RECONNECT_DELAY_MS = 500;
export const RECONNECT_DELAY_MAX_MS = 5_000;
export const RECONNECT_RANDOMIZATION = 0.5;

/**
 * The reconnects that socket.io leaves to us (after the server closed the socket or refused a
 * handshake), on the same schedule as socket.io's own: one waiting at a time.
 */
export class ReconnectBackoff {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Runs `reconnect` after the next delay, unless a reconnect is already waiting. */
  schedule(reconnect: () => void): void {
    if (this.timer !== undefined) return;
    const base = Math.min(RECONNECT_DELAY_MS * 2 ** this.attempt, RECONNECT_DELAY_MAX_MS);
    this.attempt++;
    const delay = base * (1 + RECONNECT_RANDOMIZATION * (2 * Math.random() - 1));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      reconnect();
    }, delay);
  }

  /** A connection went through: the next delay is the first one again. */
  reset(): void {
    this.attempt = 0;
  }

  /** Drops the waiting reconnect, if any. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
