import { b64urlDecode, b64urlEncode, IMAGE_MIMES, type ImageMime, isReactionEmoji, type Outgoing } from '@ciphernest/crypto';
import { isObject, type Member, MESSAGE_ID_PATTERN, type SeqRange } from '@ciphernest/protocol';

import type { KeptLayer } from './chat-cipher';
import type { ReceiptState } from './chat-delivery';
import type { ChatEntry, Delivery, MessageEntry, Reach, Reaction, SystemEntry } from './chat-entry';

/** What an image line keeps of its content; its bytes are kept apart, by message id. */
export interface KeptImage {
  kind: 'image';
  mime: ImageMime;
  width?: number;
  height?: number;
  /** The name its sender gave, if any. */
  name?: string;
  /** False when its bytes were not kept (over the byte budget). */
  kept: boolean;
}

/** What a file line keeps of its content; its bytes are kept apart, by message id, like an image's. */
export interface KeptFile {
  kind: 'file';
  name: string;
  mime: string;
  size: number;
  /** False when its bytes were not kept (over the byte budget). */
  kept: boolean;
}

export type KeptMessage = Omit<MessageEntry, 'content'> & { content: { kind: 'text'; text: string } | KeptImage | KeptFile | { kind: 'deleted' } };
export type KeptLine = KeptMessage | SystemEntry;

/**
 * The conversation as sealed for a reload (ConversationKeeper): its lines, the members, the
 * others' receipts, and the end-to-end layer's state as it stood with those lines.
 */
export interface ConversationSnapshot {
  v: 1;
  entries: KeptLine[];
  members: Member[];
  receipts: ReceiptState[];
  layer?: KeptLayer;
}

/** How {@link KeptLayer} travels in the JSON: its bytes as b64url. */
interface LayerJson {
  state: string;
  unsent: { id: string; kind: string; box: string }[];
}

const LAYER_KINDS: readonly string[] = ['keys', 'chain', 'sealed'] satisfies Outgoing['kind'][];

const DELIVERIES: readonly Delivery[] = ['pending', 'sent', 'delivered', 'failed', 'received'];
const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isNames = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

/**
 * The line as kept: an image without its object URL, a file without its bytes, each saying
 * whether its bytes are kept (`bytesKept`); undefined for a placeholder of a held message (the
 * layer keeps no held body).
 */
export function keptLine(entry: ChatEntry, bytesKept: (id: string) => boolean): KeptLine | undefined {
  if (entry.type === 'system' || entry.content.kind === 'text' || entry.content.kind === 'deleted') return entry as KeptLine;
  const content = entry.content;
  if (content.kind === 'held') return undefined;
  if (content.kind === 'file' || content.kind === 'file-not-kept') {
    const { name, mime, size } = content;
    return { ...entry, content: { kind: 'file', name, mime, size, kept: content.kind === 'file' && bytesKept(entry.id) } };
  }
  const { mime, width, height } = content;
  const image: KeptImage = { kind: 'image', mime, width, height, kept: content.kind === 'image' && bytesKept(entry.id) };
  if (content.kind === 'image' && content.name !== undefined) image.name = content.name;
  return { ...entry, content: image };
}

export function encodeSnapshot(snapshot: ConversationSnapshot): Uint8Array {
  const { layer, ...rest } = snapshot;
  const json: Omit<ConversationSnapshot, 'layer'> & { layer?: LayerJson } = rest;
  if (layer !== undefined) {
    json.layer = { state: b64urlEncode(layer.state), unsent: layer.unsent.map(({ id, kind, box }) => ({ id, kind, box: b64urlEncode(box) })) };
  }
  return new TextEncoder().encode(JSON.stringify(json));
}

/** The layer's state, unless it does not read well (then a reload makes a new identity). */
function toLayer(value: unknown): KeptLayer | undefined {
  if (!isObject(value) || !isString(value['state']) || !Array.isArray(value['unsent'])) return undefined;
  try {
    const unsent = value['unsent'].map((item: unknown): Outgoing => {
      if (!isObject(item) || !isString(item['id']) || !isString(item['box']) || !LAYER_KINDS.includes(item['kind'] as string)) throw new TypeError('not a box');
      return { id: item['id'], kind: item['kind'] as Outgoing['kind'], box: b64urlDecode(item['box']) };
    });
    return { state: b64urlDecode(value['state']), unsent };
  } catch {
    return undefined;
  }
}

function toReach(value: unknown): Reach | undefined {
  return isObject(value) && isNames(value['delivered']) && isNames(value['waiting']) ? { delivered: value['delivered'], waiting: value['waiting'] } : undefined;
}

/** A message's reactions as kept: emoji of the set only, each with at least one name. */
function toReactions(value: unknown): Reaction[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const reactions = value.flatMap((item: unknown): Reaction[] =>
    isObject(item) && isReactionEmoji(item['emoji']) && isNames(item['names']) && item['names'].length > 0 ? [{ emoji: item['emoji'], names: item['names'] }] : [],
  );
  return reactions.length > 0 ? reactions : undefined;
}

function toContent(value: unknown): KeptMessage['content'] | undefined {
  if (!isObject(value)) return undefined;
  if (value['kind'] === 'text') return isString(value['text']) ? { kind: 'text', text: value['text'] } : undefined;
  if (value['kind'] === 'deleted') return { kind: 'deleted' };
  const { mime, width, height, kept, name, size } = value;
  if (value['kind'] === 'file') {
    return isString(name) && isString(mime) && isCount(size) && typeof kept === 'boolean' ? { kind: 'file', name, mime, size, kept } : undefined;
  }
  if (value['kind'] !== 'image' || !IMAGE_MIMES.includes(mime as ImageMime) || typeof kept !== 'boolean') return undefined;
  const dimension = (n: unknown) => (isCount(n) ? n : undefined);
  const image: KeptImage = { kind: 'image', mime: mime as ImageMime, width: dimension(width), height: dimension(height), kept };
  if (isString(name)) image.name = name;
  return image;
}

function toLine(value: unknown): KeptLine | undefined {
  if (!isObject(value) || !isString(value['id'])) return undefined;
  if (value['type'] === 'system') {
    return isString(value['text']) && typeof value['at'] === 'number' ? { type: 'system', id: value['id'], text: value['text'], at: value['at'] } : undefined;
  }
  const content = toContent(value['content']);
  const { id, from, own, delivery, ts, seq, error, replyTo } = value;
  if (value['type'] !== 'message' || content === undefined || !isString(from) || typeof own !== 'boolean' || !DELIVERIES.includes(delivery as Delivery)) return undefined;
  const line: KeptMessage = {
    type: 'message',
    id: id as string,
    from,
    own,
    delivery: delivery as Delivery,
    ts: typeof ts === 'number' ? ts : undefined,
    seq: isCount(seq) ? seq : undefined,
    reach: toReach(value['reach']),
    error: isString(error) ? error : undefined,
    content,
  };
  // What a delete left of a message: nothing it quoted, no reactions.
  if (content.kind === 'deleted') return line;
  if (isString(replyTo) && MESSAGE_ID_PATTERN.test(replyTo)) line.replyTo = replyTo;
  const reactions = toReactions(value['reactions']);
  if (reactions !== undefined) line.reactions = reactions;
  return line;
}

function toMember(value: unknown): Member | undefined {
  if (!isObject(value) || !isString(value['name']) || (value['status'] !== 'online' && value['status'] !== 'away')) return undefined;
  return { name: value['name'], status: value['status'], creator: value['creator'] === true };
}

function toReceipt(value: unknown): ReceiptState | undefined {
  if (!isObject(value) || !isString(value['name']) || !isCount(value['seq']) || !Array.isArray(value['missed'])) return undefined;
  const missed = value['missed'].filter((span): span is SeqRange => isObject(span) && isCount(span['from']) && isCount(span['to']));
  return { name: value['name'], seq: value['seq'], missed: missed.map(({ from, to }) => ({ from, to })) };
}

function defined<T>(values: unknown[], read: (value: unknown) => T | undefined): T[] {
  return values.map(read).filter((value): value is T => value !== undefined);
}

/** The snapshot in `bytes`, keeping what reads well; undefined when it is not one (another version, say). */
export function decodeSnapshot(bytes: Uint8Array): ConversationSnapshot | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (!isObject(value) || value['v'] !== 1 || !Array.isArray(value['entries']) || !Array.isArray(value['members']) || !Array.isArray(value['receipts'])) return undefined;
  const snapshot: ConversationSnapshot = { v: 1, entries: defined(value['entries'], toLine), members: defined(value['members'], toMember), receipts: defined(value['receipts'], toReceipt) };
  const layer = toLayer(value['layer']);
  if (layer !== undefined) snapshot.layer = layer;
  return snapshot;
}
