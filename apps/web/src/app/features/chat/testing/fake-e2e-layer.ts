import {
  type ActionContent,
  type E2eEvent,
  type E2eMember,
  ForgeryError,
  type MessageContext,
  MessageRejectedError,
  type Outgoing,
  type OutgoingContent,
  ReplayError,
  type SafetyNumber,
  VaultSealError,
} from '@ciphernest/crypto';

import type { E2eLayer } from '../../../core/crypto/e2e.service';
import type { ReceivedMessage } from '../../../core/realtime/server-event-streams';

// The end-to-end layer v2 as the chat's specs drive it, and the boxes it reads: plain classes
// that record what they were asked.

/** What a fake box holds: a message, or what the end-to-end layer would make of a box. */
export type FakeBody =
  | { kind: 'text'; text: string }
  /** A reply, a reaction or a delete (docs/protocol.md §3), as the layer reads it. */
  | ActionContent
  | { kind: 'image'; mime: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif'; bytes: number[]; width?: number; height?: number }
  | { kind: 'file'; mime: string; name: string; bytes: number[] }
  /** A kind of a later version: the layer ignores it. */
  | { kind: 'later-kind' }
  /** A "keys" announcement: new, the same again, or changed. */
  | { kind: 'keys'; change: 'new' | 'same' | 'changed' }
  /** A "chain": it releases whatever its sender's messages were held. */
  | { kind: 'chain' }
  /** A text whose chain has not come: held until its sender's next "chain". */
  | { kind: 'held'; text: string }
  /** A body whose signature does not verify under its sender's key. */
  | { kind: 'forged' }
  /** A message index already used. */
  | { kind: 'replayed' };

interface Sealed {
  ctx: MessageContext;
  message: FakeBody;
}

/** A "box" that opens only under the context it was sealed with, like the real AAD. */
export function fakeBox(ctx: MessageContext, message: FakeBody): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify({ ctx, message } satisfies Sealed));
}

/** A box from `from` as the server relays it, sealed for `id` unless `sealedAs` says otherwise. */
export function relayedBody(from: string, id: string, body: FakeBody, sealedAs: Partial<MessageContext> = {}, seq = 1): ReceivedMessage {
  return { id, from, ts: 1_767_225_600_000, seq, box: fakeBox({ roomKey: 'blue room', from, id, ...sealedAs }, body) };
}

/** A text message from `from` as the server relays it, sealed for `id` unless `sealedAs` says otherwise. */
export function relayedText(from: string, id: string, text: string, sealedAs: Partial<MessageContext> = {}, seq = 1): ReceivedMessage {
  return relayedBody(from, id, { kind: 'text', text }, sealedAs, seq);
}

/** A layer box as the fake layer makes it. */
export function layerBox(kind: 'keys' | 'chain', id: string): Outgoing {
  return { id, kind, box: new Uint8Array([kind === 'keys' ? 1 : 2]) };
}

/** The safety number the fake layer shows for every pair. */
export const SAFETY_NUMBER: SafetyNumber = {
  groups: Array.from({ length: 12 }, (_, index) => String(10_000 + index)),
  words: Array.from({ length: 18 }, (_, index) => `word${index}`),
  emoji: Array.from({ length: 34 }, () => ({ emoji: '🐶', name: 'dog' })),
};

/**
 * The end-to-end layer v2 as specs drive it (jsdom's WebCrypto refuses this realm's buffers; the
 * real one is libs/crypto's, proven there and in Chromium): boxes are {@link fakeBox}es that open
 * only under their context, and each {@link FakeBody} says what the layer makes of it.
 */
export class FakeE2eLayer implements E2eLayer {
  /** What each call did, in order ("sync Alice,Bob", "joined Carol", "left Carol", "verified Alice", "wipe"). */
  readonly calls: string[] = [];
  /** What was sealed, with the context it was sealed under. */
  readonly sealed: { ctx: MessageContext; content: OutgoingContent }[] = [];
  /** The contexts it opened boxes under. */
  readonly opened: MessageContext[] = [];
  /** What the next flush (or send) hands out first. */
  due: Outgoing[] = [];
  /** What the next expire() reports. */
  expiring: E2eEvent[] = [];
  private readonly known = new Map<string, E2eMember>();
  private held: { id: string; from: string; text: string }[] = [];

  constructor(
    readonly options: { roomKey: string; username: string; vault: string },
    readonly restored = false,
  ) {}

  get members(): E2eMember[] {
    return [...this.known.values()];
  }

  async syncMembers(names: readonly string[]): Promise<void> {
    this.calls.push(`sync ${names.join(',')}`);
    for (const name of this.known.keys()) if (!names.includes(name)) this.known.delete(name);
    for (const name of names) if (name !== this.options.username && !this.known.has(name)) this.known.set(name, { name, keysKnown: true, verification: 'unverified' });
  }

  async memberJoined(name: string): Promise<void> {
    this.calls.push(`joined ${name}`);
    this.known.set(name, { name, keysKnown: false, verification: 'unverified' });
  }

  async memberLeft(name: string): Promise<void> {
    this.calls.push(`left ${name}`);
    this.known.delete(name);
  }

  async flush(): Promise<Outgoing[]> {
    const due = this.due;
    this.due = [];
    return due;
  }

  async send(id: string, content: OutgoingContent): Promise<Outgoing[]> {
    if (content.kind === 'text' && content.text.length > 10_000) throw new RangeError('too long');
    const ctx = { roomKey: this.options.roomKey, from: this.options.username, id };
    this.sealed.push({ ctx, content });
    const body: FakeBody =
      content.kind === 'image'
        ? { kind: 'image', mime: content.mime, bytes: Array.from(content.bytes), width: content.width, height: content.height }
        : content.kind === 'file'
          ? { kind: 'file', mime: content.mime, name: content.name, bytes: Array.from(content.bytes) }
          : content;
    return [...(await this.flush()), { id, kind: 'sealed', box: fakeBox(ctx, body) }];
  }

  async receive(relayed: { from: string; id: string; box: Uint8Array | ArrayBuffer }): Promise<E2eEvent[]> {
    const { from, id } = relayed;
    this.opened.push({ roomKey: this.options.roomKey, from, id });
    let sealed: Sealed;
    try {
      sealed = JSON.parse(new TextDecoder().decode(relayed.box)) as Sealed;
    } catch {
      return [{ type: 'rejected', id, from, error: new MessageRejectedError('box does not open') }];
    }
    const { ctx, message } = sealed;
    if (ctx.roomKey !== this.options.roomKey || ctx.from !== from || ctx.id !== id) return [{ type: 'rejected', id, from, error: new MessageRejectedError('box does not open') }];
    switch (message.kind) {
      case 'text':
      case 'reply':
      case 'reaction':
      case 'delete':
        return [{ type: 'message', id, from, message }];
      case 'image':
        return [{ type: 'message', id, from, message: { kind: 'image', mime: message.mime, bytes: Uint8Array.from(message.bytes), width: message.width, height: message.height } }];
      case 'file':
        return [{ type: 'message', id, from, message: { kind: 'file', mime: message.mime, name: message.name, bytes: Uint8Array.from(message.bytes) } }];
      case 'later-kind':
        return [{ type: 'ignored', id, from }];
      case 'keys':
        if (message.change === 'changed') this.known.set(from, { name: from, keysKnown: true, verification: 'key-changed' });
        return [{ type: 'keys', id, from, change: message.change }];
      case 'held':
        this.held.push({ id, from, text: message.text });
        return [{ type: 'held', id, from }];
      case 'chain': {
        const released = this.held.filter((item) => item.from === from);
        this.held = this.held.filter((item) => item.from !== from);
        return [{ type: 'chain', id, from }, ...released.map((item): E2eEvent => ({ type: 'message', id: item.id, from, message: { kind: 'text', text: item.text } }))];
      }
      case 'forged':
        return [{ type: 'rejected', id, from, error: new ForgeryError('bad signature') }];
      case 'replayed':
        return [{ type: 'rejected', id, from, error: new ReplayError('index already used') }];
    }
  }

  async expire(): Promise<E2eEvent[]> {
    const expiring = this.expiring;
    this.expiring = [];
    return expiring;
  }

  async safetyNumber(name: string, wordlist: readonly string[]): Promise<SafetyNumber | undefined> {
    if (wordlist.length !== 2048) throw new RangeError('not BIP-39');
    return this.known.get(name)?.keysKnown ? SAFETY_NUMBER : undefined;
  }

  async markVerified(name: string): Promise<void> {
    this.calls.push(`verified ${name}`);
    const member = this.known.get(name);
    if (member !== undefined) this.known.set(name, { ...member, verification: 'verified' });
  }

  async save(): Promise<Uint8Array<ArrayBuffer>> {
    return new TextEncoder().encode(JSON.stringify({ ...this.options, members: this.members }));
  }

  async wipe(): Promise<void> {
    this.calls.push('wipe');
  }
}

/** E2eService's double: every layer it makes or reopens, newest last. */
export class FakeE2eService {
  readonly layers: FakeE2eLayer[] = [];

  /** The layer made or reopened last. */
  get layer(): FakeE2eLayer {
    const layer = this.layers[this.layers.length - 1];
    if (layer === undefined) throw new Error('no end-to-end layer was opened');
    return layer;
  }

  async createRoom(options: { roomKey: string; username: string; vault: string; encKey: CryptoKey }): Promise<FakeE2eLayer> {
    const layer = new FakeE2eLayer(options);
    this.layers.push(layer);
    return layer;
  }

  /** Opens what FakeE2eLayer.save() wrote, under the same vault only. */
  async restoreRoom(options: { sealed: Uint8Array; vault: string; encKey: CryptoKey }): Promise<FakeE2eLayer> {
    const kept = JSON.parse(new TextDecoder().decode(options.sealed)) as { roomKey: string; username: string; vault: string; members: E2eMember[] };
    if (kept.vault !== options.vault) throw new VaultSealError('does not open');
    const layer = new FakeE2eLayer({ roomKey: kept.roomKey, username: kept.username, vault: options.vault }, true);
    await layer.syncMembers(kept.members.map((member) => member.name));
    for (const member of kept.members) if (member.verification === 'verified') await layer.markVerified(member.name);
    layer.calls.length = 0;
    this.layers.push(layer);
    return layer;
  }
}
