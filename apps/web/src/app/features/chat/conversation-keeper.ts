import { DestroyRef, Injectable, InjectionToken, effect, inject, untracked } from '@angular/core';

import { CryptoService } from '../../core/crypto/crypto.service';
import { SEALED_CONVERSATION_STORE } from '../../core/session/browser-sealed-stores';
import type { SealedConversation } from '../../core/session/sealed-conversation-store';
import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { ChatDelivery } from './chat-delivery';
import type { ChatEntry, MessageContent, MessageEntry } from './chat-entry';
import { ChatCipher, type KeptLayer, type OutgoingContent } from './chat-cipher';
import { ChatLog } from './chat-log';
import { ChatOutbox } from './chat-outbox';
import { ChatReceipts, type ReadPoint } from './chat-receipts';
import { type ConversationSnapshot, decodeSnapshot, encodeSnapshot, type KeptLine, keptLine } from './conversation-snapshot';
import { fileContent } from './file-content';
import { ObjectUrlRegistry } from './object-url-registry';
import { RoomPresence } from './room-presence';

/** Image and file bytes kept across a reload, newest first; older ones come back as "not kept". */
export const KEPT_IMAGE_BYTES = 32 * 1024 * 1024;
/** The byte budget in use: {@link KEPT_IMAGE_BYTES} unless a spec sets a smaller one. */
export const KEPT_IMAGE_BUDGET = new InjectionToken<number>('KEPT_IMAGE_BUDGET', { providedIn: 'root', factory: () => KEPT_IMAGE_BYTES });
/** The vault-seal labels (libs/crypto vault-seal.ts) of the conversation's lines, of each image and of each file. */
export const CONVERSATION_LABEL = 'conversation';
export const CONVERSATION_IMAGE_LABEL = 'conversation-image';
export const CONVERSATION_FILE_LABEL = 'conversation-file';

/** A line whose bytes are kept apart (an image or a file), and the label they are sealed under. */
function bytesLabel(content: { kind: string }): string | undefined {
  if (content.kind === 'image') return CONVERSATION_IMAGE_LABEL;
  if (content.kind === 'file') return CONVERSATION_FILE_LABEL;
  return undefined;
}

/** An image or a file as sealed: u16be(id length) || id || bytes, so that a blob opens only as its own message's. */
function keptPlaintext(id: string, bytes: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(id);
  const plaintext = new Uint8Array(2 + name.length + bytes.length);
  new DataView(plaintext.buffer).setUint16(0, name.length);
  plaintext.set(name, 2);
  plaintext.set(bytes, 2 + name.length);
  return plaintext;
}

type KeptBytes = Extract<MessageContent, { kind: 'image' | 'file' }>;

function keptBytes(id: string, plaintext: Uint8Array): Uint8Array | undefined {
  if (plaintext.length < 2) return undefined;
  const length = new DataView(plaintext.buffer, plaintext.byteOffset).getUint16(0);
  return new TextDecoder().decode(plaintext.subarray(2, 2 + length)) === id ? plaintext.slice(2 + length) : undefined;
}

/**
 * Keeps the open chat's conversation in this tab's own store so that a reload brings it back
 * exactly: the lines (at most ChatLog's 500, texts included), the images and files (newest
 * first, within {@link KEPT_IMAGE_BYTES} together), the members, the others' receipts, where the tab stands in the
 * room's seq, and the end-to-end layer's state as it stood with those lines (ChatCipher.snapshot:
 * a layer ahead of the lines would take a replayed message for a replay and drop it). Everything but that seq is sealed under a key derived from the session's vault
 * (docs/protocol.md §4), which reaches this tab only in `presence` and is never stored: once the
 * session has ended nothing kept opens, and it is erased too.
 *
 * After a reload, {@link prepare} reads the kept seq before the socket connects (it resumes from
 * there, docs/protocol.md §5.1); the first `presence`'s vault then opens the rest, which goes back
 * into the list ahead of anything new ({@link restored} settles then, with the layer's state for
 * ChatCipher). Our messages that were still pending are sent again with their ids. Saving
 * follows every change of the list, the members or the layer, one write at a time.
 *
 * Security: only sealed blobs and seq numbers reach the disk; the vault is used once.
 */
@Injectable()
export class ConversationKeeper {
  private readonly store = inject(SEALED_CONVERSATION_STORE);
  private readonly sessions = inject(SessionStore);
  private readonly crypto = inject(CryptoService);
  private readonly log = inject(ChatLog);
  private readonly presence = inject(RoomPresence);
  private readonly receipts = inject(ChatReceipts);
  private readonly delivery = inject(ChatDelivery);
  private readonly outbox = inject(ChatOutbox);
  private readonly cipher = inject(ChatCipher);
  private readonly images = inject(ObjectUrlRegistry);
  private readonly imageBudget = inject(KEPT_IMAGE_BUDGET);
  private session: { tag: Promise<string>; me: string } | undefined;
  private kept: SealedConversation | undefined;
  private sealKey: CryptoKey | undefined;
  private unlocking = false;
  private stopped = false;
  /** Images and files on disk, by message id. */
  private readonly savedImages = new Set<string>();
  private writes: Promise<void> = Promise.resolve();
  private queued = false;
  private settleRestored: (layer?: KeptLayer) => void = () => undefined;

  /**
   * Settles once what was kept is back in the list (at once when there is nothing to bring back),
   * with the end-to-end layer's state kept with it, if any.
   */
  readonly restored = new Promise<KeptLayer | undefined>((resolve) => (this.settleRestored = resolve));

  constructor() {
    effect(() => {
      this.log.entries();
      this.presence.members();
      this.cipher.revision();
      untracked(() => this.schedule());
    });
    inject(DestroyRef).onDestroy(() => {
      this.stopped = true;
      this.settleRestored();
    });
  }

  /** A session just created or joined: nothing to bring back, and whatever this tab kept before goes. */
  begin(session: ChatSession): void {
    this.session = { tag: this.crypto.tokenDigest(session.token), me: session.username };
    this.settleRestored();
    this.queue(() => this.erase());
  }

  /** After a reload: where the kept conversation of this session stands, to resume from; undefined when none is kept. */
  async prepare(session: ChatSession): Promise<ReadPoint | undefined> {
    this.session = { tag: this.crypto.tokenDigest(session.token), me: session.username };
    const kept = this.store ? await this.store.read(await this.sessions.tabId()).catch(() => undefined) : undefined;
    if (kept === undefined || kept.session !== (await this.session.tag)) {
      this.settleRestored();
      if (kept !== undefined) this.queue(() => this.erase());
      return undefined;
    }
    this.kept = kept;
    return kept.point;
  }

  /** The vault of a `presence`: the first one opens what was kept, puts it back, and saving starts. */
  async unlock(vault: string): Promise<void> {
    if (this.sealKey !== undefined || this.unlocking || this.stopped || this.store === null || this.session === undefined) return;
    this.unlocking = true;
    let layer: KeptLayer | undefined;
    try {
      this.sealKey = await this.crypto.vaultSealKey(vault);
      if (this.kept !== undefined) layer = await this.bringBack(this.sealKey, this.kept).catch(() => undefined);
    } catch {
      // A malformed vault: nothing is kept, nothing comes back.
    } finally {
      this.kept = undefined;
      this.unlocking = false;
      this.settleRestored(layer);
    }
    this.schedule();
  }

  /** The session is over: nothing more is kept, and what was is erased. */
  async end(): Promise<void> {
    this.stopped = true;
    this.settleRestored();
    await this.writes;
    await this.erase();
  }

  /** Puts the kept conversation back in the list; answers the layer state kept with it. */
  private async bringBack(sealKey: CryptoKey, kept: SealedConversation): Promise<KeptLayer | undefined> {
    const snapshot = decodeSnapshot(await this.crypto.openUnderVault(sealKey, CONVERSATION_LABEL, kept.sealed));
    if (snapshot === undefined || this.stopped) return undefined;
    const sealedImages = await this.store?.readImages(await this.sessions.tabId()) ?? new Map<string, Uint8Array>();
    const entries: ChatEntry[] = [];
    const unsent: { entry: MessageEntry; content: OutgoingContent }[] = [];
    for (const line of snapshot.entries) {
      const label = line.type === 'message' && line.content.kind !== 'text' && line.content.kind !== 'deleted' && line.content.kept ? bytesLabel(line.content) : undefined;
      const sealed = label === undefined ? undefined : sealedImages.get(line.id);
      const bytes = label === undefined || sealed === undefined ? undefined : await this.crypto.openUnderVault(sealKey, label, sealed).then((plain) => keptBytes(line.id, plain), () => undefined);
      const entry = this.shown(line, bytes);
      if (entry === undefined) continue;
      entries.push(entry);
      if (bytes !== undefined) this.savedImages.add(entry.id);
      const content = entry.type === 'message' && entry.own ? this.outgoing(line as MessageEntry, bytes) : undefined;
      if (content !== undefined && entry.type === 'message' && (entry.delivery === 'pending' || entry.delivery === 'failed')) unsent.push({ entry, content });
    }
    if (this.stopped) return undefined;
    this.log.restore(entries);
    this.delivery.restore(snapshot.receipts);
    this.presence.recall(snapshot.members);
    this.outbox.resume(this.session?.me ?? '', unsent);
    return snapshot.layer;
  }

  /** A kept line as the list shows it; an image or file without its bytes as not kept (and, if ours and unsent, failed). */
  private shown(line: KeptLine, bytes: Uint8Array | undefined): ChatEntry | undefined {
    if (line.type === 'system' || line.content.kind === 'text' || line.content.kind === 'deleted') return line as ChatEntry;
    if (line.content.kind === 'file') {
      const { name, mime, size } = line.content;
      if (bytes !== undefined) return { ...line, content: fileContent({ name, mime, bytes }) };
      const lost = line.own && line.delivery === 'pending' ? { delivery: 'failed' as const, error: 'The file was not kept across the reload.' } : {};
      return { ...line, ...lost, content: { kind: 'file-not-kept', name, mime, size } };
    }
    const { mime, width, height, name } = line.content;
    if (bytes === undefined) {
      const lost = line.own && line.delivery === 'pending' ? { delivery: 'failed' as const, error: 'The image was not kept across the reload.' } : {};
      return { ...line, ...lost, content: { kind: 'image-not-kept', mime, width, height } };
    }
    try {
      return { ...line, content: { kind: 'image', url: this.log.imageUrl(line.id, bytes, mime), mime, width, height, name } };
    } catch {
      return undefined;
    }
  }

  private outgoing(line: MessageEntry, bytes: Uint8Array | undefined): OutgoingContent | undefined {
    if (line.content.kind === 'text' && line.replyTo !== undefined) return { kind: 'reply', text: line.content.text, to: line.replyTo };
    if (line.content.kind === 'text') return { kind: 'text', text: line.content.text };
    if (bytes !== undefined && line.content.kind === 'file') return { kind: 'file', file: { mime: line.content.mime, name: line.content.name, bytes } };
    if (bytes === undefined || line.content.kind !== 'image') return undefined;
    const { mime, width, height } = line.content;
    return { kind: 'image', image: { mime, bytes, width, height } };
  }

  private schedule(): void {
    if (this.sealKey === undefined || this.stopped || this.queued) return;
    this.queued = true;
    this.queue(() => {
      this.queued = false;
      return this.save();
    });
  }

  private queue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch(() => undefined);
  }

  /** Seals and writes the conversation as it is now: the lines, the new images, and drops the images gone. */
  private async save(): Promise<void> {
    const sealKey = this.sealKey;
    if (sealKey === undefined || this.stopped || this.store === null || this.session === undefined) return;
    const { layer, value } = await this.cipher.snapshot(() => ({ entries: this.log.entries(), point: this.receipts.point() }));
    const { entries, point } = value;
    const keep = this.bytesToKeep(entries);
    const snapshot: ConversationSnapshot = {
      v: 1,
      entries: entries.map((entry) => keptLine(entry, (id) => keep.has(id))).filter((line) => line !== undefined),
      members: this.presence.members(),
      receipts: this.delivery.states(),
    };
    if (layer !== undefined) snapshot.layer = layer;
    const put = new Map<string, Uint8Array>();
    for (const [id, content] of keep) {
      if (this.savedImages.has(id)) continue;
      const bytes = content.kind === 'file' ? new Uint8Array(await content.blob.arrayBuffer()) : await this.images.bytesOf(id);
      const label = bytesLabel(content);
      if (bytes !== undefined && label !== undefined) put.set(id, await this.crypto.sealUnderVault(sealKey, label, keptPlaintext(id, bytes)));
    }
    const drop = [...this.savedImages].filter((id) => !keep.has(id));
    const sealed = await this.crypto.sealUnderVault(sealKey, CONVERSATION_LABEL, encodeSnapshot(snapshot));
    if (this.stopped) return;
    await this.store.write(await this.sessions.tabId(), { session: await this.session.tag, point, sealed }, { put, drop });
    for (const id of put.keys()) this.savedImages.add(id);
    for (const id of drop) this.savedImages.delete(id);
  }

  /** The images and files whose bytes are kept, by id: newest first, while they fit in the budget ({@link KEPT_IMAGE_BYTES}). */
  private bytesToKeep(entries: readonly ChatEntry[]): Map<string, KeptBytes> {
    const keep = new Map<string, KeptBytes>();
    let budget = this.imageBudget;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      if (entry.type !== 'message' || (entry.content.kind !== 'image' && entry.content.kind !== 'file')) continue;
      const size = entry.content.kind === 'file' ? entry.content.size : this.images.sizeOf(entry.id);
      if (size === undefined || size > budget) continue;
      keep.set(entry.id, entry.content);
      budget -= size;
    }
    return keep;
  }

  private async erase(): Promise<void> {
    if (this.store === null) return;
    this.savedImages.clear();
    await this.store.erase(await this.sessions.tabId()).catch(() => undefined);
  }
}
