import { ID_MEMORY_COUNT, ID_MEMORY_MS } from '@ciphernest/protocol';

/** What a room's log gave a message: its seq and time, the first ones if its id came before. */
export interface MessageStamp {
  seq: number;
  ts: number;
  /** False when the id was accepted before: the first stamp is returned and nothing is relayed. */
  fresh: boolean;
}

/**
 * A room's sequence counter and its memory of accepted message ids (docs/protocol.md §5):
 * every id accepted within the last 60 s, and the ids of the last 1,024 messages.
 */
export class MessageLog {
  private lastSeq = 0;
  /**
   * The seq each remembered id was accepted with. A number, not a stamp object: nothing is
   * allocated per id beyond the Map's slot, and the ids live for 60 s, long enough to reach the
   * old generation, where every object kept is marked again at each full collection.
   */
  private readonly seqs = new Map<string, number>();
  /**
   * Accepted ids and their times, oldest first, one per seq from `firstSeq` on; those before
   * `head` are forgotten already. An entry whose id was accepted again later (after it had
   * expired) is blanked to undefined, so forget() never needs to look an id up to tell.
   */
  private ids: (string | undefined)[] = [];
  private times: number[] = [];
  /** The session that sent each seq in `ids` (docs/protocol.md §5.1: a resume never counts one's own as missed). */
  private senders: string[] = [];
  private firstSeq = 1;
  private head = 0;

  get seq(): number {
    return this.lastSeq;
  }

  /** The session that sent `seq`, while the log remembers it (at least the last 1,024 and 60 s). */
  senderOf(seq: number): string | undefined {
    const index = seq - this.firstSeq;
    return index >= this.head ? this.senders[index] : undefined;
  }

  accept(id: string, now: number, senderSessionId = ''): MessageStamp {
    const known = this.seqs.get(id);
    if (known !== undefined) {
      // A seq in the Map is never before `head` (forget() deletes an id as its entry passes).
      const ts = this.times[known - this.firstSeq];
      if (this.remembers(known, ts, now)) return { seq: known, ts, fresh: false };
      this.ids[known - this.firstSeq] = undefined;
    }
    const seq = ++this.lastSeq;
    this.seqs.set(id, seq);
    this.ids.push(id);
    this.times.push(now);
    this.senders.push(senderSessionId);
    this.forget(now);
    return { seq, ts: now, fresh: true };
  }

  private remembers(seq: number, ts: number, now: number): boolean {
    return now - ts < ID_MEMORY_MS || this.lastSeq - seq < ID_MEMORY_COUNT;
  }

  /**
   * Forgets from the oldest on, through a queue of its own: a fresh iterator over the Map would
   * step again over every slot deleted since the Map last rehashed, which grew to tens of µs per
   * message once ids started expiring in a busy room. Blanked entries (an id accepted again
   * after it expired) are skipped.
   */
  private forget(now: number): void {
    while (this.head < this.ids.length) {
      const id = this.ids[this.head];
      if (id !== undefined) {
        if (this.remembers(this.firstSeq + this.head, this.times[this.head], now)) break;
        this.seqs.delete(id);
      }
      this.head += 1;
    }
    if (this.head >= ID_MEMORY_COUNT && this.head * 2 >= this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.times = this.times.slice(this.head);
      this.senders = this.senders.slice(this.head);
      this.firstSeq += this.head;
      this.head = 0;
    }
  }
}
