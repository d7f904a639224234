import {
  isObject,
  ServerEvent,
  type MemberEvent,
  type MissedEvent,
  type PresenceEvent,
  type ReceiptEvent,
  type RelayedMessage,
  type SeqRange,
  type TypingEvent,
} from '@ciphernest/protocol';
import { Subject, type Observable } from 'rxjs';
import type { ChatSocket } from './socket-factory';

/** A relayed message with its box as bytes (browsers receive an ArrayBuffer). */
export type ReceivedMessage = Omit<RelayedMessage, 'box'> & { box: Uint8Array };

function toBytes(box: unknown): Uint8Array | undefined {
  if (box instanceof ArrayBuffer || Object.prototype.toString.call(box) === '[object ArrayBuffer]') return new Uint8Array(box as ArrayBuffer);
  if (ArrayBuffer.isView(box)) return new Uint8Array(box.buffer, box.byteOffset, box.byteLength);
  return undefined;
}

function toReceivedMessage(payload: unknown): ReceivedMessage | undefined {
  if (!isObject(payload)) return undefined;
  const { id, from, ts, seq } = payload;
  const box = toBytes(payload['box']);
  if (typeof id !== 'string' || typeof from !== 'string' || typeof ts !== 'number' || typeof seq !== 'number' || box === undefined) return undefined;
  return { id, from, ts, seq, box };
}

function toTypingEvent(payload: unknown): TypingEvent | undefined {
  if (!isObject(payload) || typeof payload['name'] !== 'string' || typeof payload['active'] !== 'boolean') return undefined;
  return { name: payload['name'], active: payload['active'] };
}

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

function toSeqRange(payload: unknown): SeqRange | undefined {
  if (!isObject(payload)) return undefined;
  const { from, to } = payload;
  return isSeq(from) && isSeq(to) && from <= to ? { from, to } : undefined;
}

function toReceiptEvent(payload: unknown): ReceiptEvent | undefined {
  if (!isObject(payload) || typeof payload['name'] !== 'string' || !isSeq(payload['seq'])) return undefined;
  const { name, seq } = payload;
  if (payload['missed'] === undefined) return { name, seq };
  const missed = toSeqRange(payload['missed']);
  return missed !== undefined && missed.to <= seq ? { name, seq, missed } : undefined;
}

/**
 * The room's events of docs/protocol.md §5 as typed streams, whichever socket carries them:
 * `presence`, `member`, `message` (box as bytes), `typing`, and (1.1) `received` and `missed`. A payload of the wrong shape is
 * dropped here, so subscribers see only what the protocol promises.
 */
export class ServerEventStreams {
  private readonly presence = new Subject<PresenceEvent>();
  private readonly members = new Subject<MemberEvent>();
  private readonly messages = new Subject<ReceivedMessage>();
  private readonly typists = new Subject<TypingEvent>();
  private readonly receipts = new Subject<ReceiptEvent>();
  private readonly gaps = new Subject<MissedEvent>();

  /** The room and its members, on every (re)connect. */
  readonly presence$: Observable<PresenceEvent> = this.presence.asObservable();
  readonly member$: Observable<MemberEvent> = this.members.asObservable();
  /** Messages from the others, box as bytes. */
  readonly message$: Observable<ReceivedMessage> = this.messages.asObservable();
  readonly typing$: Observable<TypingEvent> = this.typists.asObservable();
  /** The others' delivery receipts (docs/protocol.md §5.2). */
  readonly received$: Observable<ReceiptEvent> = this.receipts.asObservable();
  /** During a resume: what is no longer held (docs/protocol.md §5.1). */
  readonly missed$: Observable<MissedEvent> = this.gaps.asObservable();

  /** Passes on what `socket` receives until its listeners are removed. */
  listenTo(socket: ChatSocket): void {
    socket.on(ServerEvent.Presence, (payload) => {
      if (isObject(payload)) this.presence.next(payload);
    });
    socket.on(ServerEvent.Member, (payload) => {
      if (isObject(payload)) this.members.next(payload);
    });
    socket.on(ServerEvent.Message, (payload) => {
      const message = toReceivedMessage(payload);
      if (message !== undefined) this.messages.next(message);
    });
    socket.on(ServerEvent.Typing, (payload) => {
      const event = toTypingEvent(payload);
      if (event !== undefined) this.typists.next(event);
    });
    socket.on(ServerEvent.Received, (payload) => {
      const receipt = toReceiptEvent(payload);
      if (receipt !== undefined) this.receipts.next(receipt);
    });
    socket.on(ServerEvent.Missed, (payload) => {
      const missed = toSeqRange(payload);
      if (missed !== undefined) this.gaps.next(missed);
    });
  }

  complete(): void {
    for (const subject of [this.presence, this.members, this.messages, this.typists, this.receipts, this.gaps]) subject.complete();
  }
}
