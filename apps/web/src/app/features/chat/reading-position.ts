import { signal } from '@angular/core';

import type { ChatEntry } from './chat-entry';
import { countUnseen, type UnseenAnchor } from './conversation-rows';

/**
 * What the reader of the conversation has not seen, like UnreadCounter's "arrived while the tab
 * was hidden", widened to "while scrolled up", and kept by position (after which entry) rather
 * than counted as messages arrive, so it does not depend on when the list renders them.
 *
 * The rule (close to Slack's and Element's):
 * - The reader goes away when the tab is hidden or the log leaves its end; what the others write
 *   after the last entry then shown is unseen, and counted for "Jump to newest (3 new)".
 * - The reader catches up when the log's end is in view in a visible tab. If something came
 *   while away, the "New messages" divider moves before its first message and stays there: it
 *   goes when we write a message after it, when the next absence brings new messages (it moves
 *   again), or when the chat page is left and opened again (this state is the list's own).
 * - While away, the divider already stands before the first unseen message.
 */
export class ReadingPosition {
  private readonly away = signal<UnseenAnchor | undefined>(undefined);
  private readonly marked = signal<UnseenAnchor | undefined>(undefined);

  /** The reader stopped seeing new lines; `entries` are those shown until then. A second call while away changes nothing. */
  wentAway(entries: readonly ChatEntry[]): void {
    if (this.away() === undefined) this.away.set({ after: entries[entries.length - 1]?.id });
  }

  /** The reader sees the conversation's end again. */
  caughtUp(entries: readonly ChatEntry[]): void {
    const away = this.away();
    if (away === undefined) return;
    if (countUnseen(entries, away) > 0) this.marked.set(away);
    this.away.set(undefined);
  }

  /** Where the "New messages" divider's search starts (conversationRows places it). */
  anchor(entries: readonly ChatEntry[]): UnseenAnchor | undefined {
    const away = this.away();
    return away !== undefined && countUnseen(entries, away) > 0 ? away : this.marked();
  }

  /** How many messages of the others came while away (0 once caught up). */
  unseenCount(entries: readonly ChatEntry[]): number {
    return countUnseen(entries, this.away());
  }
}
