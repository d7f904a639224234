import type { ChatEntry, MessageEntry, SystemEntry } from './chat-entry';

/** A message continues its sender's run when it comes at most this long after the one before. */
export const RUN_GAP_MS = 5 * 60_000;

/** The row's id of the "New messages" divider (entries' ids never take this form). */
export const UNSEEN_DIVIDER_ID = 'divider:new-messages';

/**
 * One row of the conversation as the list shows it: a day separator ("Today", "Yesterday",
 * "Monday, 7 December 2026"), the "New messages" divider, a system line, or a message that may
 * continue its sender's run (shown without sender and time) and may show its delivery state.
 */
export type ConversationRow =
  | { type: 'day'; id: string; label: string; date: string }
  | { type: 'divider'; id: typeof UNSEEN_DIVIDER_ID }
  | { type: 'system'; id: string; entry: SystemEntry }
  | { type: 'message'; id: string; entry: MessageEntry; continued: boolean; showDelivery: boolean };

/** Where the unseen part of the conversation starts: after the entry with this id, or from the first entry. */
export interface UnseenAnchor {
  after: string | undefined;
}

export interface RowOptions {
  /** ms since the epoch: what "Today" is, and the time of our messages not yet stamped by the server. */
  now: number;
  /** Where the reader stopped seeing the conversation, if they did (see {@link unseenStart}). */
  unseen?: UnseenAnchor;
  /** The day separators' wording; the browser's language by default. */
  formatDay?: (day: Date) => string;
}

const LONG_DAY: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };

function localDay(ms: number): Date {
  const at = new Date(ms);
  return new Date(at.getFullYear(), at.getMonth(), at.getDate());
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "2026-12-07", the local calendar day, for a `<time datetime>`. */
function isoDay(day: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** "Today", "Yesterday", or the whole local date in the browser's language (or with `format`). */
export function dayLabel(day: Date, now: number, format: (day: Date) => string = (shown) => shown.toLocaleDateString(undefined, LONG_DAY)): string {
  const today = localDay(now);
  if (sameDay(day, today)) return 'Today';
  // The calendar day before, which is not always 24 hours before (daylight saving time).
  if (sameDay(day, new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1))) return 'Yesterday';
  return format(day);
}

function timeOf(entry: ChatEntry, now: number): number {
  return entry.type === 'system' ? entry.at : (entry.ts ?? now);
}

function isOthers(entry: ChatEntry): entry is MessageEntry {
  return entry.type === 'message' && !entry.own;
}

/** The index of the first entry after `anchor`; 0 when it names no entry (the list dropped its oldest lines, it included). */
function firstAfter(entries: readonly ChatEntry[], anchor: UnseenAnchor): number {
  if (anchor.after === undefined) return 0;
  const index = entries.findIndex((entry) => entry.id === anchor.after);
  return index + 1;
}

/** How many messages of the others came after `anchor`: what "Jump to newest (3 new)" counts. */
export function countUnseen(entries: readonly ChatEntry[], anchor: UnseenAnchor | undefined): number {
  if (anchor === undefined) return 0;
  return entries.slice(firstAfter(entries, anchor)).filter(isOthers).length;
}

/**
 * The index of the entry the "New messages" divider goes before: the first message of the others
 * after `anchor`. None when there is no such message, or once we have written after it (having
 * answered, we have read it).
 */
export function unseenStart(entries: readonly ChatEntry[], anchor: UnseenAnchor | undefined): number | undefined {
  if (anchor === undefined) return undefined;
  const from = firstAfter(entries, anchor);
  const start = entries.findIndex((entry, index) => index >= from && isOthers(entry));
  if (start < 0) return undefined;
  const answered = entries.some((entry, index) => index > start && entry.type === 'message' && entry.own);
  return answered ? undefined : start;
}

/**
 * Only one of our messages says how it went when all went well: the latest acknowledged one
 * (Sent, Delivered, "Delivered to 2 of 3"); every one still sending or not sent says so too.
 */
function latestAcknowledged(entries: readonly ChatEntry[]): string | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.type === 'message' && entry.own && (entry.delivery === 'sent' || entry.delivery === 'delivered')) return entry.id;
  }
  return undefined;
}

function continues(previous: ChatEntry | undefined, entry: MessageEntry, now: number): boolean {
  if (previous?.type !== 'message' || previous.own !== entry.own || previous.from !== entry.from) return false;
  // Either way: our unstamped message is timed by this browser's clock, which may be a little behind the server's.
  return Math.abs(timeOf(entry, now) - timeOf(previous, now)) <= RUN_GAP_MS;
}

/**
 * The conversation's rows: a day separator before the first entry and wherever the local day
 * changes (from the server's `ts` of messages, `at` of system lines; our unstamped messages count
 * as `now`), the "New messages" divider before the first unseen message of the others, and each
 * message marked as continuing its sender's run (same sender, at most RUN_GAP_MS after the one
 * before, nothing between them) and as showing its delivery state or not. Pure: same input, same rows.
 */
export function conversationRows(entries: readonly ChatEntry[], options: RowOptions): ConversationRow[] {
  const { now, unseen, formatDay } = options;
  const divider = unseenStart(entries, unseen);
  const acknowledged = latestAcknowledged(entries);
  const rows: ConversationRow[] = [];
  let previousDay: Date | undefined;
  let previous: ChatEntry | undefined;
  entries.forEach((entry, index) => {
    const day = localDay(timeOf(entry, now));
    let broken = false;
    if (previousDay === undefined || !sameDay(day, previousDay)) {
      rows.push({ type: 'day', id: `day:${isoDay(day)}:${entry.id}`, label: dayLabel(day, now, formatDay), date: isoDay(day) });
      previousDay = day;
      broken = true;
    }
    if (index === divider) {
      rows.push({ type: 'divider', id: UNSEEN_DIVIDER_ID });
      broken = true;
    }
    if (entry.type === 'system') {
      rows.push({ type: 'system', id: entry.id, entry });
    } else {
      const showDelivery = entry.own && (entry.id === acknowledged || entry.delivery === 'pending' || entry.delivery === 'failed');
      rows.push({ type: 'message', id: entry.id, entry, continued: !broken && continues(previous, entry, now), showDelivery });
    }
    previous = entry;
  });
  return rows;
}
