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
  /** Accepted ids and their seqs, oldest first; those before `head` are forgotten already. */
  private ids: string[] = [];
  private seqs: number[] = [];
  private head = 0;

  get seq(): number {
    return this.lastSeq;
  }

  accept(id: string, now: number): MessageAcceptance {
    const known = this.stamps.get(id);
    if (known && this.remembers(known, now)) return { seq: known.seq, ts: known.ts, fresh: false };
    const seq = ++this.lastSeq;
    this.stamps.set(id, { seq, ts: now });
    this.ids.push(id);
    this.seqs.push(seq);
    this.forget(now);
    return { seq, ts: now, fresh: true };
  }

  /** How many ids are held now (for tests and metrics). */
  get remembered(): number {
    return this.stamps.size;
  }

  private remembers(stamp: MessageStamp, now: number): boolean {
    return now - stamp.ts < ID_MEMORY_MS || this.lastSeq - stamp.seq < ID_MEMORY_COUNT;
  }

  /**
   * Forgets from the oldest on, through a queue of its own: a fresh iterator over the Map would
   * step again over every slot deleted since the Map last rehashed, which grew to tens of µs per
   * message once ids started expiring in a busy room. An id accepted again after it was
   * forgotten leaves a stale entry behind (its seq no longer matches), skipped here.
   */
  private forget(now: number): void {
    while (this.head < this.ids.length) {
      const id = this.ids[this.head];
      const stamp = this.stamps.get(id);
      if (stamp !== undefined && stamp.seq === this.seqs[this.head]) {
        if (this.remembers(stamp, now)) break;
        this.stamps.delete(id);
      }
      this.head += 1;
    }
    if (this.head >= ID_MEMORY_COUNT && this.head * 2 >= this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }
}
