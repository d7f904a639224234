import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { ActionContent, E2eMember, FileInput, ImageInput, OutgoingContent as LayerContent, Outgoing, SafetyNumber } from '@ciphernest/crypto';
import type { MemberEvent, PresenceEvent } from '@ciphernest/protocol';

import { type E2eLayer, E2eService } from '../../core/crypto/e2e.service';
import type { MessageStamp } from '../../core/realtime/unacked-messages';
import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { PassphraseWords } from '../../shared/passphrase/passphrase-words';
import { ChatWire } from './chat-wire';

/** What one of our messages holds before it is sealed: a text, an image, a file, or a message action (docs/protocol.md §3). */
export type OutgoingContent = { kind: 'text'; text: string } | { kind: 'image'; image: ImageInput } | { kind: 'file'; file: FileInput } | ActionContent;

function layerContent(content: OutgoingContent): LayerContent {
  if (content.kind === 'file') return { kind: 'file', ...content.file };
  if (content.kind === 'image') return { kind: 'image', ...content.image };
  return content;
}

/** What the tab keeps of its layer v2 across a reload, sealed with the conversation (ConversationKeeper). */
export interface KeptLayer {
  /** `E2eRoom.save()`: sealed under the session's vault already. */
  state: Uint8Array;
  /** "keys" and "chain" boxes made but not acknowledged: they go first after the reload. */
  unsent: Outgoing[];
}

/** How the first `presence` went for the layer: it opened, or it never will (the keys did not open). */
export type LayerOutcome = 'opened' | 'failed' | 'skipped';

/**
 * The open chat's end-to-end layer v2 (docs/protocol.md §3.1, `E2eRoom` through E2eService): it
 * opens with the first `presence` (a new identity for a session just created or joined; after a
 * reload, the state kept with the conversation, or a new identity when none opens), follows the
 * members, and runs every use of the layer one at a time, in the order asked ({@link run}),
 * each followed by a flush whose "keys" and "chain" boxes go out through ChatWire. Uses asked
 * for before the layer is open wait for it; if it never opens (the room key did not open, the
 * session ended) they are given up.
 *
 * Security: the room key and the identity's private keys stay in memory (non-extractable); the
 * vault is used to open them and not kept; the layer's state leaves only sealed.
 */
@Injectable()
export class ChatCipher {
  private readonly e2e = inject(E2eService);
  private readonly sessions = inject(SessionStore);
  private readonly wire = inject(ChatWire);
  private readonly words = inject(PassphraseWords);
  private readonly trustState = signal<E2eMember[]>([]);
  private readonly changes = signal(0);
  private readonly openState = signal(false);
  private session: ChatSession | undefined;
  private kept: Promise<KeptLayer | undefined> = Promise.resolve(undefined);
  private opening: Promise<LayerOutcome> | undefined;
  private settleLayer: (layer: E2eLayer | undefined) => void = () => undefined;
  /** Settles once: with the open layer, or undefined when it will never open. */
  private readonly layer = new Promise<E2eLayer | undefined>((resolve) => (this.settleLayer = resolve));
  private steps: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** The other members as the layer knows them: keys known or not, and each one's verification. */
  readonly trust = this.trustState.asReadonly();
  /** True once the layer is open: messages can be sealed and read. */
  readonly open = this.openState.asReadonly();
  /** Counts changes to what {@link snapshot} would keep (the layer's state, its unacknowledged boxes). */
  readonly revision = computed(() => this.changes() + this.wire.revision());

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.closed = true;
      this.settleLayer(undefined);
    });
  }

  /**
   * Works for `session`; after a reload, with the layer state `kept` promises (it settles once
   * the kept conversation is back).
   */
  start(session: ChatSession, kept?: Promise<KeptLayer | undefined>): void {
    this.session = session;
    if (kept !== undefined) this.kept = kept;
  }

  /** A `presence`: the first opens the layer; each tells it who is in the room. */
  connected(event: PresenceEvent): Promise<LayerOutcome> {
    const names = event.members.map((member) => member.name);
    if (this.opening !== undefined) {
      this.enqueue((layer) => layer.syncMembers(names));
      return Promise.resolve('skipped');
    }
    this.opening = this.openLayer(event.vault, names);
    return this.opening;
  }

  /** A `member` event: a join or a leave (a timeout too) starts a new chain; away and back change nothing. */
  memberChanged(event: MemberEvent): void {
    if (event.type === 'joined') this.enqueue((layer) => layer.memberJoined(event.name));
    if (event.type === 'left') this.enqueue((layer) => layer.memberLeft(event.name));
  }

  /**
   * {@link run} for a use whose outcome no one awaits (a membership event, a relayed box, the
   * expiry timer): one that fails must not be reported as unhandled; those behind it run anyway.
   */
  enqueue(task: (layer: E2eLayer, now: number) => Promise<unknown>): void {
    this.run(task).catch(() => undefined);
  }

  /**
   * Runs `task` with the layer once it is open, after every use asked for before it, then sends
   * what has come due; undefined when the layer never opens. Whatever `task` changes in the
   * page, it changes before the next use of the layer starts (so a {@link snapshot} sees both
   * or neither).
   */
  run<T>(task: (layer: E2eLayer, now: number) => Promise<T>): Promise<T | undefined> {
    return this.step(async (layer) => {
      const value = await task(layer, Date.now());
      await this.flush(layer);
      return value;
    });
  }

  /**
   * Seals one of our messages under `id`: the layer's boxes due before it go out first.
   *
   * @throws Error when the layer never opened; RangeError for a text the layer refuses.
   */
  async seal(id: string, content: OutgoingContent): Promise<Uint8Array> {
    const sealed = await this.run(async (layer, now) => {
      const outgoing = await layer.send(id, layerContent(content), now);
      this.wire.sendLayerBoxes(outgoing.slice(0, -1));
      return outgoing[outgoing.length - 1].box;
    });
    if (sealed === undefined) throw new Error('the end-to-end layer is not open in this tab');
    return sealed;
  }

  /** Sends a sealed message after everything sealed before it. */
  send(message: { id: string; box: Uint8Array }): Promise<MessageStamp> {
    return this.wire.send(message);
  }

  /** The safety number of this tab and `name` (words from BIP-39's list, loaded now); undefined while `name`'s keys are unknown. */
  async safetyNumber(name: string): Promise<SafetyNumber | undefined> {
    const layer = await this.layer;
    if (layer === undefined) return undefined;
    return layer.safetyNumber(name, await this.words.load());
  }

  /** The user found `name`'s safety number equal: "verified", until its key changes. */
  async markVerified(name: string): Promise<void> {
    await this.run((layer) => layer.markVerified(name));
  }

  /**
   * `read()` and the layer's state, taken at one point of the layer's order: nothing received
   * shows in one and not the other. Once the first `presence` has come it waits for the layer
   * to open; no layer state before that, or when it never opens.
   */
  async snapshot<T>(read: () => T): Promise<{ layer?: KeptLayer; value: T }> {
    if (this.opening === undefined) return { value: read() };
    const taken = await this.step(async (layer) => ({ layer: { state: await layer.save(), unsent: this.wire.unsent() }, value: read() }));
    return taken ?? { value: read() };
  }

  /** Nothing waits any longer for a layer that has not opened (the session ended, the page went away). */
  abandon(): void {
    this.settleLayer(undefined);
  }

  /** Leaving: the layer's key bytes are zeroed, and it is used no more. */
  async wipe(): Promise<void> {
    if (this.opening === undefined) this.abandon();
    await this.step(async (layer) => {
      // Nothing queued after this may use the layer.
      this.closed = true;
      await layer.wipe();
    });
    this.closed = true;
    this.abandon();
  }

  private step<T>(task: (layer: E2eLayer) => Promise<T>): Promise<T | undefined> {
    const result = this.steps.then(async () => {
      const layer = await this.layer;
      return layer === undefined || this.closed ? undefined : task(layer);
    });
    this.steps = result.catch(() => undefined);
    return result;
  }

  private async flush(layer: E2eLayer): Promise<void> {
    this.wire.sendLayerBoxes(await layer.flush(Date.now()));
    this.trustState.set(layer.members);
    this.changes.update((count) => count + 1);
  }

  /** The first `presence`: the room key, then the layer (kept, or new), told who is there before anything else uses it. */
  private async openLayer(vault: string, names: string[]): Promise<LayerOutcome> {
    const session = this.session;
    try {
      const keys = session?.keys ?? (await this.sessions.unlock(vault));
      if (session === undefined || keys === undefined || this.closed) {
        this.settleLayer(undefined);
        return 'failed';
      }
      const kept = await this.kept;
      const restored = kept && (await this.e2e.restoreRoom({ sealed: kept.state, vault, encKey: keys.encKey }).catch(() => undefined));
      const layer = restored ?? (await this.e2e.createRoom({ roomKey: session.roomKey, username: session.username, vault, encKey: keys.encKey }));
      // What the kept state had made and not sent goes first; a new identity announces itself instead.
      if (restored !== undefined && kept !== undefined) this.wire.sendLayerBoxes(kept.unsent);
      await layer.syncMembers(names);
      await this.flush(layer);
      this.openState.set(true);
      this.settleLayer(layer);
      return 'opened';
    } catch {
      this.settleLayer(undefined);
      return 'failed';
    }
  }
}
