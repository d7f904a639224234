import { Injectable, inject, signal } from '@angular/core';
import type { ReactionEmoji } from '@ciphernest/crypto';
import { ID_MEMORY_COUNT } from '@ciphernest/protocol';
import { Subject } from 'rxjs';

import type { ChatEntry, MessageEntry } from './chat-entry';
import { withReaction } from './message-reactions';
import { ObjectUrlRegistry } from './object-url-registry';
import { RecentIds } from './recent-ids';

/** The list keeps this many lines; older ones leave it (and their images are released). */
export const MAX_ENTRIES = 500;

/**
 * Besides the ids of the messages still in the list, the ids of the last this many messages
 * shown (or sent, or dropped for an unknown kind) are remembered, so that a repeat is dropped.
 * A room's server dedupes a retried id only while it remembers it (docs/protocol.md §5: 60 s and
 * the room's last 1,024 ids), so a repeat reaches us only after at least 1,024 newer messages
 * were accepted: the id must be remembered here longer than there, which is why this is four
 * times the server's count (and why forgetting ids after the server's 60 s would be wrong).
 * A repeat of a line still in the list is always dropped; one older than both is shown again,
 * as the sender's later message, and the tab's memory stays bounded (about 4,096 short ids).
 */
export const SHOWN_IDS_KEPT = 4 * ID_MEMORY_COUNT;

function undecryptableText(count: number): string {
  return count === 1
    ? 'A message could not be decrypted and was hidden.'
    : `${count} messages could not be decrypted and were hidden.`;
}

/**
 * The lines of the message list, oldest first, and the ids of the messages it has shown (a
 * receiver drops a message whose id it has shown, docs/protocol.md §3). A line that leaves the list
 * takes its image with it and is announced on `removed$`, so that what else was kept for it
 * goes too.
 */
@Injectable()
export class ChatLog {
  private readonly images = inject(ObjectUrlRegistry);
  private readonly lines = signal<ChatEntry[]>([]);
  private readonly shownIds = new RecentIds(SHOWN_IDS_KEPT);
  private readonly removedIds = new Subject<string>();
  private systemLines = 0;
  private undecryptable = 0;
  private undecryptableLine: string | undefined;

  readonly entries = this.lines.asReadonly();
  /** The id of each line that leaves the list. */
  readonly removed$ = this.removedIds.asObservable();

  /** True for the id of a message shown or sent here, which a second message may not reuse. */
  hasShown(id: string): boolean {
    return this.shownIds.has(id) || this.lines().some((entry) => entry.type === 'message' && entry.id === id);
  }

  /** Counts `id` as shown although it has no line (a message of a kind this client does not know). */
  markShown(id: string): void {
    this.shownIds.add(id);
  }

  /** An object URL for a line's image, released when the line leaves the list. Throws when the browser cannot make one. */
  imageUrl(id: string, bytes: Uint8Array, mime: string): string {
    return this.images.create(id, bytes, mime);
  }

  append(entry: ChatEntry): void {
    if (entry.type === 'message') this.markShown(entry.id);
    this.keep([...this.lines(), entry]);
  }

  /**
   * Puts back the lines kept from before a reload, ahead of those added since (their ids count
   * as shown; system lines get fresh ids), within {@link MAX_ENTRIES}.
   */
  restore(kept: readonly ChatEntry[]): void {
    const restored = kept.map((entry) => (entry.type === 'system' ? { ...entry, id: `system-${++this.systemLines}` } : entry));
    const ids = new Set(restored.filter((entry) => entry.type === 'message').map((entry) => entry.id));
    for (const id of ids) this.markShown(id);
    this.keep([...restored, ...this.lines().filter((entry) => !ids.has(entry.id))]);
  }

  private keep(entries: ChatEntry[]): void {
    const excess = entries.length - MAX_ENTRIES;
    const gone = excess > 0 ? entries.splice(0, excess) : [];
    this.lines.set(entries);
    for (const line of gone) {
      this.images.release(line.id);
      this.removedIds.next(line.id);
    }
  }

  /**
   * Puts `entry` in place of the line with its id (a placeholder whose message has come). What
   * was done to the placeholder stays: its reactions, and a delete (then nothing of `entry` shows).
   */
  replace(entry: ChatEntry): void {
    this.lines.update((entries) =>
      entries.map((line) => {
        if (line.id !== entry.id) return line;
        if (line.type !== 'message' || entry.type !== 'message') return entry;
        if (line.content.kind === 'deleted') return line;
        return line.reactions === undefined ? entry : { ...entry, reactions: line.reactions };
      }),
    );
  }

  /**
   * `name`'s reaction `emoji` on the message `id`, turned on or off (docs/protocol.md §3). False,
   * with nothing changed, when the list has no such message or it was deleted.
   */
  react(id: string, emoji: ReactionEmoji, name: string, on: boolean): boolean {
    const line = this.message(id);
    if (line === undefined || line.content.kind === 'deleted') return false;
    this.lines.update((entries) => entries.map((entry) => (entry === line ? withReaction(line, emoji, name, on) : entry)));
    return true;
  }

  /**
   * Deletes the message `id` for everyone, if `from` sent it (docs/protocol.md §3: a delete is
   * honoured only from the message's own sender): it becomes "Message deleted", its text or image
   * (the object URL revoked), its quote and its reactions are dropped. False, with nothing
   * changed, when the list has no such message or `from` did not send it.
   */
  deleteBy(id: string, from: string): boolean {
    const line = this.message(id);
    if (line === undefined || line.from !== from) return false;
    const deleted: MessageEntry = { type: 'message', id, from, own: line.own, delivery: line.delivery, ts: line.ts, seq: line.seq, content: { kind: 'deleted' } };
    this.lines.update((entries) => entries.map((entry) => (entry === line ? deleted : entry)));
    this.images.release(id);
    return true;
  }

  private message(id: string): MessageEntry | undefined {
    return this.lines().find((entry): entry is MessageEntry => entry.type === 'message' && entry.id === id);
  }

  /** Takes the line with `id` out of the list (a placeholder whose message will not come). */
  remove(id: string): void {
    const entries = this.lines();
    if (!entries.some((line) => line.id === id)) return;
    this.lines.set(entries.filter((line) => line.id !== id));
    this.images.release(id);
    this.removedIds.next(id);
  }

  /** Changes where one of our messages stands. */
  update(id: string, changes: Partial<Pick<MessageEntry, 'delivery' | 'ts' | 'seq' | 'reach' | 'error'>>): void {
    this.lines.update((entries) => entries.map((entry) => (entry.type === 'message' && entry.id === id ? { ...entry, ...changes } : entry)));
  }

  /** Adds a line about the room (someone joined, left, ...); returns its id. */
  addSystem(text: string, at: number): string {
    const id = `system-${++this.systemLines}`;
    this.append({ type: 'system', id, text, at });
    return id;
  }

  /** One more message did not open: a single line counts them, while it is in the list. */
  countUndecryptable(): void {
    this.undecryptable++;
    const text = undecryptableText(this.undecryptable);
    const lineId = this.undecryptableLine;
    if (lineId && this.lines().some((entry) => entry.id === lineId)) {
      this.lines.update((entries) => entries.map((entry) => (entry.id === lineId ? { ...entry, text } : entry)));
    } else {
      this.undecryptableLine = this.addSystem(text, Date.now());
    }
  }
}
