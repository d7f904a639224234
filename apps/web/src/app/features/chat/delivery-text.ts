import type { MessageEntry } from './chat-entry';

function list(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What one of our acknowledged messages says of itself: "Sent", "Delivered", or "Delivered to 2 of 3". */
export function deliveryText(entry: Pick<MessageEntry, 'delivery' | 'reach'>): string {
  const reach = entry.reach;
  if (entry.delivery === 'delivered') return 'Delivered';
  if (reach === undefined || reach.delivered.length === 0) return 'Sent';
  return `Delivered to ${reach.delivered.length} of ${reach.delivered.length + reach.waiting.length}`;
}

/**
 * Who has one of our messages and who not yet, for rooms where more than one other member was
 * there when it was acknowledged; undefined otherwise (the status alone says it all).
 */
export function reachDetail(entry: Pick<MessageEntry, 'reach'>): string | undefined {
  const reach = entry.reach;
  if (reach === undefined || reach.delivered.length + reach.waiting.length < 2) return undefined;
  const parts = [];
  if (reach.delivered.length > 0) parts.push(`Delivered to ${list(reach.delivered)}.`);
  if (reach.waiting.length > 0) parts.push(`Not yet to ${list(reach.waiting)}.`);
  return parts.join(' ');
}
