import { ID_MEMORY_COUNT, ID_MEMORY_MS } from '@ciphernest/protocol';

export interface MessageStamp {
  seq: number;
  ts: number;
}

export interface MessageAcceptance extends MessageStamp {
  /** False when the id was accepted before: the first stamp is returned and nothing is relayed. */
  fresh: boolean;
}

/**
 * A room's sequence counter and its memory of accepted message ids (PROTOCOL.md §5):
 * every id accepted within the last 60 s, and the ids of the last 1,024 messages.
 */
export class MessageLog {
  private lastSeq = 0;
  private readonly stamps = new Map<string, MessageStamp>();

  get seq(): number {
    return this.lastSeq;
  }

  accept(id: string, now: number): MessageAcceptance {
    const known = this.stamps.get(id);
    if (known && this.remembers(known, now)) return { ...known, fresh: false };
    if (known) this.stamps.delete(id);
    const stamp = { seq: ++this.lastSeq, ts: now };
    this.stamps.set(id, stamp);
    this.forget(now);
    return { ...stamp, fresh: true };
  }

  /** How many ids are held now (for tests and metrics). */
  get remembered(): number {
    return this.stamps.size;
  }

  private remembers(stamp: MessageStamp, now: number): boolean {
    return now - stamp.ts < ID_MEMORY_MS || this.lastSeq - stamp.seq < ID_MEMORY_COUNT;
  }

  /** Entries are in seq order, so the oldest are first. */
  private forget(now: number): void {
    for (const [id, stamp] of this.stamps) {
      if (this.remembers(stamp, now)) return;
      this.stamps.delete(id);
    }
  }
}
