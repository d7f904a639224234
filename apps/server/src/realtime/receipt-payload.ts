import { isObject, type ReceiptSend } from '@ciphernest/protocol';

function isPositiveSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/**
 * A `received` payload (docs/protocol.md §5.2) reduced to its fields: `seq` an integer of at
 * least 1 and, where present, `missed` with 1 <= from <= to <= seq. Undefined for anything else
 * (the receipt is dropped silently). Extra fields are never kept, so never relayed.
 */
export function parseReceipt(payload: unknown): ReceiptSend | undefined {
  if (!isObject(payload)) return undefined;
  const { seq, missed } = payload;
  if (!isPositiveSeq(seq)) return undefined;
  if (missed === undefined) return { seq };
  if (!isObject(missed)) return undefined;
  const { from, to } = missed;
  if (!isPositiveSeq(from) || !isPositiveSeq(to) || from > to || to > seq) return undefined;
  return { seq, missed: { from, to } };
}
