export interface EventuallyOptions {
  /** How long the assertion may keep failing, in ms. */
  timeout?: number;
  /** Pause between attempts, in ms. */
  interval?: number;
}

/**
 * Retries `assertion` until it stops throwing, then returns its value; after `timeout` it throws
 * the last failure. The wait is on a condition, never a fixed sleep.
 */
export async function eventually<T>(assertion: () => Promise<T> | T, options: EventuallyOptions = {}): Promise<T> {
  const { timeout = 15_000, interval = 100 } = options;
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolvePause) => setTimeout(resolvePause, interval));
  }
}
