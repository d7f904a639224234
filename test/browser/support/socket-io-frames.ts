import type { RelayedMessage } from '@ciphernest/protocol';
import type { RecordedFrame } from './traffic-recorder';

// Socket.IO 4 over a WebSocket, as the browser's frames carry it: an Engine.IO message ("4")
// holding a Socket.IO packet, `<type>[<attachments>-]/chat,[<ack id>]<JSON>`; a binary event
// (type 5) or binary ack (type 6) is followed by its attachments, one binary frame each, in place
// of the JSON's `{ "_placeholder": true, "num": n }`.

/** One frame as a WebSocket carries it: text, or binary bytes. */
export type Frame = string | Buffer;

/** A Socket.IO packet of the /chat namespace read from its frames, attachments in place. */
export interface ChatPacket {
  /** 2 event, 3 ack, 5 binary event, 6 binary ack (Socket.IO's packet types). */
  type: number;
  ackId?: number;
  data: unknown[];
}

const HEADER = /^4([0-6])(?:(\d+)-)?\/chat,(\d*)(\[.*\])$/s;

function withAttachments(value: unknown, attachments: readonly Buffer[]): unknown {
  if (Array.isArray(value)) return value.map((item) => withAttachments(item, attachments));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record['_placeholder'] === true && typeof record['num'] === 'number') return attachments[record['num']];
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, withAttachments(inner, attachments)]));
}

/**
 * Reads frames one at a time, in the order one direction of one WebSocket carried them, and
 * hands back each /chat packet once it is whole (a binary one after its last attachment).
 */
export class ChatPacketReader {
  private pending: { packet: ChatPacket; expected: number; attachments: Buffer[] } | undefined;

  /** True while a binary packet waits for attachments. */
  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /** The packet `frame` completes, or undefined (an attachment still to come, or not a /chat packet). */
  read(frame: Frame): ChatPacket | undefined {
    if (typeof frame !== 'string') {
      if (this.pending === undefined) return undefined;
      this.pending.attachments.push(frame);
      if (this.pending.attachments.length < this.pending.expected) return undefined;
      const { packet, attachments } = this.pending;
      this.pending = undefined;
      return { ...packet, data: withAttachments(packet.data, attachments) as unknown[] };
    }
    const header = HEADER.exec(frame);
    if (header === null) return undefined;
    const packet: ChatPacket = { type: Number(header[1]), data: JSON.parse(header[4]) as unknown[] };
    if (header[3] !== '') packet.ackId = Number(header[3]);
    const expected = Number(header[2] ?? 0);
    if (expected === 0) return packet;
    this.pending = { packet, expected, attachments: [] };
    return undefined;
  }
}

/** Every /chat packet in `frames` (one direction of one WebSocket, in order). */
export function chatPackets(frames: readonly Frame[]): ChatPacket[] {
  const reader = new ChatPacketReader();
  return frames.map((frame) => reader.read(frame)).filter((packet): packet is ChatPacket => packet !== undefined);
}

/** The frames of a server's `message` event carrying `message` (docs/protocol.md §5): its JSON, then its box. */
export function relayedMessageFrames(message: RelayedMessage): Frame[] {
  const { box, ...fields } = message;
  return [`451-/chat,${JSON.stringify(['message', { ...fields, box: { _placeholder: true, num: 0 } }])}`, Buffer.from(box as Uint8Array)];
}

/** The relayed message a packet from the server carries, if it is a `message` event. */
export function relayedMessageOf(packet: ChatPacket): RelayedMessage | undefined {
  const [event, payload] = packet.data;
  if (packet.type !== 5 || event !== 'message' || typeof payload !== 'object' || payload === null) return undefined;
  return payload as RelayedMessage;
}

/** A box as it crossed the wire, with the sender and id its outer seal is bound to (docs/protocol.md §3). */
export interface WireBox {
  from: string;
  id: string;
  box: Buffer;
}

/** Every /chat packet a tab's recorded frames hold, each with the direction it went, socket by socket. */
function packetsIn(frames: readonly RecordedFrame[]): { direction: RecordedFrame['direction']; packet: ChatPacket }[] {
  const streams = new Map<string, RecordedFrame[]>();
  for (const frame of frames) {
    const key = `${frame.socket}/${frame.direction}`;
    streams.set(key, [...(streams.get(key) ?? []), frame]);
  }
  return [...streams.values()].flatMap((stream) =>
    chatPackets(stream.map((frame) => (frame.binary ? frame.bytes : frame.bytes.toString('utf8')))).map((packet) => ({ direction: stream[0].direction, packet })),
  );
}

/**
 * What a tab sent the server, as the server sees it (E2E.md P5): each /chat event's name and the
 * shape of its payload (field names, `box` as "binary"), in order.
 */
export function sentShapes(frames: readonly RecordedFrame[]): string[] {
  return packetsIn(frames)
    .filter(({ direction }) => direction === 'sent')
    .map(({ packet }) => {
      const [event, payload] = packet.data as [unknown, unknown];
      if (typeof payload !== 'object' || payload === null) return `${String(event)}`;
      const fields = Object.entries(payload as Record<string, unknown>).map(([name, value]) => `${name}:${Buffer.isBuffer(value) ? 'binary' : typeof value}`);
      return `${String(event)} {${fields.sort().join(', ')}}`;
    });
}

/** The messages relayed to a tab, as its recorded frames hold them. */
export function relayedIn(frames: readonly RecordedFrame[]): RelayedMessage[] {
  return packetsIn(frames).flatMap(({ direction, packet }) => {
    const relayed = direction === 'received' ? relayedMessageOf(packet) : undefined;
    return relayed === undefined ? [] : [relayed];
  });
}

/** The vault of the first `presence` in a tab's recorded frames (docs/protocol.md §4: a secret; tests only). */
export function vaultIn(frames: readonly RecordedFrame[]): string {
  for (const { direction, packet } of packetsIn(frames)) {
    const [event, payload] = packet.data as [unknown, { vault?: unknown }];
    if (direction === 'received' && event === 'presence' && typeof payload?.vault === 'string') return payload.vault;
  }
  throw new Error('no presence in these frames');
}

/**
 * Every box in a tab's recorded frames: the `message` events it sent (as `me`) and those relayed
 * to it, each once.
 */
export function boxesIn(frames: readonly RecordedFrame[], me: string): WireBox[] {
  const boxes = new Map<string, WireBox>();
  for (const { direction, packet } of packetsIn(frames)) {
    const [event, payload] = packet.data as [unknown, { id?: unknown; from?: unknown; box?: unknown }];
    if (packet.type !== 5 || event !== 'message' || !Buffer.isBuffer(payload?.box) || typeof payload.id !== 'string') continue;
    const from = direction === 'sent' ? me : payload.from;
    if (typeof from === 'string') boxes.set(`${from}/${payload.id}`, { from, id: payload.id, box: payload.box });
  }
  return [...boxes.values()];
}
