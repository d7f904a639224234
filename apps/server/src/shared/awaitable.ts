/**
 * A value now or later. A port whose adapter answers from this process's memory returns the
 * value itself; one backed by another process (Redis) returns a promise. Callers that `await`
 * either keep working; the message hot path uses `andThen` so that an in-memory answer costs
 * no promise, no microtask hop and no async-hook call (docs/benchmarks.md).
 */
export type Awaitable<T> = T | Promise<T>;

/** `next(value)` at once when `value` is ready, else once its promise fulfils (a rejection passes through). */
export function andThen<T, U>(value: Awaitable<T>, next: (ready: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
