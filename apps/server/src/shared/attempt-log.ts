/**
 * When recent attempts happened, per key (failed joins per address and room). With a shared
 * store every server process sees the same attempts, so a limit holds across them.
 */
export abstract class AttemptLog {
  /** Records an attempt at `now`; attempts older than `windowMs` may be forgotten. */
  abstract record(key: string, now: number, windowMs: number): Promise<void>;

  /** The times of the key's attempts within the last `windowMs` (`now - windowMs < at <= now`), oldest first. */
  abstract recent(key: string, now: number, windowMs: number): Promise<number[]>;
}
