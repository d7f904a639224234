import { DOCUMENT, DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { UnknownKindError, type DecryptedMessage, type ImageInput } from '@ciphernest/crypto';
import { codePointLength, ID_MEMORY_COUNT, MAX_TEXT_CHARS, type Member, type MemberEvent, type PresenceEvent, type RelayedMessage, type RoomInfo, type TypingEvent } from '@ciphernest/protocol';

import { ApiClient } from '../../core/api/api-client';
import { ApiProblem } from '../../core/api/api-problem';
import { CryptoService } from '../../core/crypto/crypto.service';
import { errorText } from '../../core/errors/error-text';
import { ChatConnection } from '../../core/realtime/chat-connection';
import { type ChatSession, SessionStore } from '../../core/session/session-store';
import type { ChatEntry, ChatNotice, MessageContent, MessageEntry } from './chat-entry';
import { ChatKeys } from './chat-keys';
import { ChatNotifier } from './chat-notifier';
import { ImagePrep, ImagePrepError, type PreparedImage } from './image-prep';
import { RecentIds } from './recent-ids';

/** The list keeps this many lines; older ones leave it (and their images are released). */
export const MAX_ENTRIES = 500;
/**
 * Besides the ids of the messages still in the list, the ids of the last this many messages
 * shown (or sent, or dropped for an unknown kind) are remembered, so that a repeat is dropped.
 * A room's server dedupes a retried id only while it remembers it (PROTOCOL.md §5: 60 s and
 * the room's last 1,024 ids), so a repeat reaches us only after at least 1,024 newer messages
 * were accepted: the id must be remembered here longer than there, which is why this is four
 * times the server's count (and why forgetting ids after the server's 60 s would be wrong).
 * A repeat of a line still in the list is always dropped; one older than both is shown again,
 * as the sender's later message, and the tab's memory stays bounded (about 4,096 short ids).
 */
export const SHOWN_IDS_KEPT = 4 * ID_MEMORY_COUNT;
/** Someone else's "typing" fades when no update came for this long. */
export const TYPING_EXPIRY_MS = 5_000;
/** We repeat our own "typing" at most this often... */
export const TYPING_THROTTLE_MS = 2_000;
/** ...and say we stopped after this long without a keystroke. */
export const TYPING_IDLE_MS = 3_000;

const APP_NAME = 'CipherNest';

/** The document title: the room name, with the unread count in front while there is one. */
export function chatTitle(roomName: string, unread: number): string {
  const base = `${roomName || 'Chat'} · ${APP_NAME}`;
  return unread > 0 ? `(${unread}) ${base}` : base;
}

function undecryptableText(count: number): string {
  return count === 1
    ? 'A message could not be decrypted and was hidden.'
    : `${count} messages could not be decrypted and were hidden.`;
}

function sendErrorText(error: unknown): string {
  if (error instanceof ApiProblem) return errorText(error.code);
  if (error instanceof RangeError) return `Messages can be at most ${MAX_TEXT_CHARS.toLocaleString('en')} characters long.`;
  return 'The message could not be sent.';
}

/** What a message needs to be (re-)sent: its box once sealed, its content until then. */
interface Outgoing {
  text?: string;
  image?: ImageInput;
  box?: Uint8Array;
}

/**
 * The state of the chat page: room, members, messages, typing, connection and unread count.
 * Turns ChatConnection events into that state, and encrypts and decrypts through
 * CryptoService. Provided by the chat page, together with its ChatConnection.
 *
 * After a reload the session comes without its keys: the first `presence` carries the
 * session's vault, with which SessionStore opens them; until then received messages wait in
 * order and sends wait to be sealed. If they cannot be opened, the tab leaves the room.
 *
 * Security: message contents are attacker-chosen (any member can seal anything); they leave
 * here as plain strings and object URLs for image elements, never as markup. Messages that
 * do not open, and repeated ids, are dropped (PROTOCOL.md §3). The keys live in memory only.
 */
@Injectable()
export class ChatStore {
  private readonly connection = inject(ChatConnection);
  private readonly crypto = inject(CryptoService);
  private readonly sessions = inject(SessionStore);
  private readonly api = inject(ApiClient);
  private readonly imagePrep = inject(ImagePrep);
  private readonly notifier = inject(ChatNotifier);
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);

  private readonly sessionState = signal<ChatSession | undefined>(undefined);
  private readonly roomState = signal<RoomInfo | undefined>(undefined);
  private readonly memberState = signal<Member[]>([]);
  private readonly entryState = signal<ChatEntry[]>([]);
  private readonly typingState = signal<string[]>([]);
  private readonly unreadState = signal(0);
  private readonly noticeState = signal<ChatNotice | undefined>(undefined);

  readonly session = this.sessionState.asReadonly();
  readonly me = computed(() => this.sessionState()?.username ?? '');
  readonly roomName = computed(() => this.roomState()?.name ?? '');
  readonly fingerprint = computed(() => this.keys.current()?.fingerprint ?? '');
  readonly members = this.memberState.asReadonly();
  readonly entries = this.entryState.asReadonly();
  readonly typingNames = this.typingState.asReadonly();
  readonly unread = this.unreadState.asReadonly();
  readonly notice = this.noticeState.asReadonly();
  readonly connectionState = this.connection.state;
  readonly endReason = this.connection.endReason;
  readonly ended = computed(() => this.connection.state() === 'ended');
  readonly title = computed(() => chatTitle(this.roomName(), this.unread()));

  /** The last ids shown or sent here (see SHOWN_IDS_KEPT); with the list's, a repeat is dropped. */
  private readonly seen = new RecentIds(SHOWN_IDS_KEPT);
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly objectUrls = new Map<string, string>();
  private readonly typers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Decryption runs one message at a time, so the list keeps the server's order. */
  private inbox: Promise<void> = Promise.resolve();
  private readonly keys = new ChatKeys(this.sessions);
  private undecryptable = 0;
  private undecryptableLine: string | undefined;
  private systemLines = 0;
  private typingSentAt: number | undefined;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;
  private leaving = false;
  private closing = false;
  private destroyed = false;

  constructor() {
    const onVisibility = () => {
      if (!this.document.hidden) this.unreadState.set(0);
    };
    this.document.addEventListener('visibilitychange', onVisibility);

    effect(() => {
      if (this.connection.state() === 'ended') untracked(() => this.onEnded());
    });

    this.destroyRef.onDestroy(() => {
      this.destroyed = true;
      this.keys.abandon();
      this.document.removeEventListener('visibilitychange', onVisibility);
      this.clearTypingTimers();
      for (const url of this.objectUrls.values()) URL.revokeObjectURL(url);
      this.objectUrls.clear();
      this.outgoing.clear();
    });
  }

  /** Shows `session` and connects with its token. */
  start(session: ChatSession): void {
    this.sessionState.set(session);
    this.roomState.set(session.room);
    if (session.keys) this.keys.use(session.keys);
    this.connection.presence$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((event) => this.onPresence(event));
    this.connection.member$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((event) => this.onMember(event));
    this.connection.message$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((message) => this.onMessage(message));
    this.connection.typing$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((event) => this.onTyping(event));
    this.connection.connect(session.token);
  }

  /** Encrypts and sends a text; it shows as pending at once. False when refused here. */
  sendText(text: string): boolean {
    const session = this.sessionState();
    if (!session || this.ended() || text.trim() === '' || codePointLength(text, MAX_TEXT_CHARS) > MAX_TEXT_CHARS) return false;
    this.stopTyping();
    this.noticeState.set(undefined);
    const id = this.crypto.newMessageId();
    this.addOwn(session, id, { kind: 'text', text });
    this.outgoing.set(id, { text });
    void this.deliver(id);
    return true;
  }

  /** Re-encodes an image (EXIF stripped, downscaled), then encrypts and sends it. Never rejects. */
  async sendImage(file: Blob): Promise<void> {
    if (!this.sessionState() || this.ended()) return;
    this.noticeState.set({ tone: 'info', text: 'Preparing the image…' });
    let image: PreparedImage;
    try {
      image = await this.imagePrep.prepare(file);
    } catch (error) {
      const text = error instanceof ImagePrepError ? error.message : 'This image could not be prepared.';
      this.noticeState.set({ tone: 'error', text });
      return;
    }
    const session = this.sessionState();
    if (this.destroyed || !session || this.ended()) return;
    this.noticeState.set(image.note ? { tone: 'info', text: image.note } : undefined);
    const id = this.crypto.newMessageId();
    const input: ImageInput = { mime: image.mime, bytes: image.bytes, width: image.width, height: image.height };
    let url: string;
    try {
      url = this.objectUrl(id, image.bytes, image.mime);
    } catch {
      this.noticeState.set({ tone: 'error', text: 'This browser could not show the image.' });
      return;
    }
    this.addOwn(session, id, { kind: 'image', url, mime: image.mime, width: image.width, height: image.height });
    this.outgoing.set(id, { image: input });
    await this.deliver(id);
  }

  /** Sends a failed message again with the same id (and the same box, once sealed). */
  retry(id: string): void {
    if (!this.outgoing.has(id) || this.ended()) return;
    this.patch(id, { delivery: 'pending', error: undefined });
    void this.deliver(id);
  }

  /** The composer's text changed: tell the others we are typing, or that we stopped. */
  composing(hasText: boolean): void {
    if (!hasText) {
      this.stopTyping();
      return;
    }
    if (this.ended()) return;
    const now = Date.now();
    if (this.typingSentAt === undefined || now - this.typingSentAt >= TYPING_THROTTLE_MS) {
      this.typingSentAt = now;
      this.connection.typing(true);
    }
    clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  dismissNotice(): void {
    this.noticeState.set(undefined);
  }

  /** Leaves the room for good and erases this tab's session. */
  async leave(): Promise<void> {
    this.leaving = true;
    this.clearTypingTimers();
    const state = this.connection.state();
    const token = this.sessionState()?.token;
    try {
      await this.connection.leave();
    } catch {
      // Leaving goes on: the session is erased here whatever the socket said.
    }
    // Without a live socket the server would only notice after the grace; end it over HTTP.
    if (token && (state === 'connecting' || state === 'reconnecting')) {
      await this.api.endSession(token).catch(() => undefined);
    }
    await this.sessions.clear().catch(() => undefined);
  }

  /** The page goes away without leaving (reload, navigation): the session lives on for the grace. */
  close(): void {
    this.closing = true;
    this.clearTypingTimers();
    this.connection.disconnect();
  }

  private onPresence(event: PresenceEvent): void {
    this.roomState.set(event.room);
    this.memberState.set(event.members);
    void this.keys.unlock(event.vault).then((outcome) => this.unlocked(outcome));
  }

  private async unlocked(outcome: 'opened' | 'failed' | 'skipped'): Promise<void> {
    if (outcome !== 'failed' || this.destroyed || this.leaving || this.closing) return;
    // Without its keys this tab can neither read nor send: give the place back to the others.
    this.keys.abandon();
    await this.leave();
    this.noticeState.set({ tone: 'error', text: "This tab could not reopen the room's key, so it left the room. Join again with the password." });
  }

  private onMember(event: MemberEvent): void {
    const { name } = event;
    switch (event.type) {
      case 'joined':
        this.setStatus(name, 'online');
        this.addSystem(`${name} joined`, event.at);
        break;
      case 'back':
        this.setStatus(name, 'online');
        this.addSystem(`${name} is back`, event.at);
        break;
      case 'away':
        this.setStatus(name, 'away');
        this.addSystem(`${name} is away`, event.at);
        break;
      case 'left':
        this.memberState.update((members) => members.filter((member) => member.name !== name));
        this.dropTyper(name);
        this.addSystem(event.reason === 'timeout' ? `${name} timed out` : `${name} left`, event.at);
        break;
    }
  }

  private setStatus(name: string, status: Member['status']): void {
    const members = this.memberState();
    const known = members.some((member) => member.name === name);
    this.memberState.set(
      known
        ? members.map((member) => (member.name === name ? { ...member, status } : member))
        : [...members, { name, status, creator: this.roomState()?.creator === name }],
    );
  }

  private onMessage(message: RelayedMessage): void {
    this.inbox = this.inbox.then(() => this.receive(message));
  }

  private async receive(message: RelayedMessage): Promise<void> {
    const session = this.sessionState();
    if (!session || this.destroyed || this.hasShown(message.id)) return;
    const keys = await this.keys.ready;
    if (!keys || this.destroyed) return;
    let opened: DecryptedMessage;
    try {
      opened = await this.crypto.decryptMessage(keys.encKey, { roomKey: session.roomKey, from: message.from, id: message.id }, message.box);
    } catch (error) {
      // A kind of a later version is dropped silently; anything else is counted as undecryptable.
      if (error instanceof UnknownKindError) this.seen.add(message.id);
      else this.hideUndecryptable();
      return;
    }
    if (this.destroyed) return;
    this.seen.add(message.id);
    let content: MessageContent;
    if (opened.kind === 'text') {
      content = { kind: 'text', text: opened.text };
    } else {
      const url = this.objectUrl(message.id, opened.bytes, opened.mime);
      opened.bytes.fill(0);
      content = { kind: 'image', url, mime: opened.mime, width: opened.width, height: opened.height };
    }
    this.append({ type: 'message', id: message.id, from: message.from, own: false, delivery: 'received', ts: message.ts, content });
    this.dropTyper(message.from);
    if (this.document.hidden) {
      this.unreadState.update((count) => count + 1);
      this.notifier.notify();
    }
  }

  private hasShown(id: string): boolean {
    return this.seen.has(id) || this.entryState().some((entry) => entry.type === 'message' && entry.id === id);
  }

  private hideUndecryptable(): void {
    this.undecryptable++;
    const text = undecryptableText(this.undecryptable);
    const lineId = this.undecryptableLine;
    if (lineId && this.entryState().some((entry) => entry.id === lineId)) {
      this.entryState.update((entries) => entries.map((entry) => (entry.id === lineId ? { ...entry, text } : entry)));
    } else {
      this.undecryptableLine = this.addSystem(text, Date.now());
    }
  }

  private onTyping(event: TypingEvent): void {
    if (event.name === this.me()) return;
    clearTimeout(this.typers.get(event.name));
    if (event.active) this.typers.set(event.name, setTimeout(() => this.dropTyper(event.name), TYPING_EXPIRY_MS));
    else this.typers.delete(event.name);
    this.typingState.set([...this.typers.keys()]);
  }

  private dropTyper(name: string): void {
    if (!this.typers.has(name)) return;
    clearTimeout(this.typers.get(name));
    this.typers.delete(name);
    this.typingState.set([...this.typers.keys()]);
  }

  private stopTyping(): void {
    clearTimeout(this.typingIdle);
    this.typingIdle = undefined;
    if (this.typingSentAt === undefined) return;
    this.typingSentAt = undefined;
    if (!this.ended()) this.connection.typing(false);
  }

  private clearTypingTimers(): void {
    clearTimeout(this.typingIdle);
    this.typingIdle = undefined;
    this.typingSentAt = undefined;
    for (const timer of this.typers.values()) clearTimeout(timer);
    this.typers.clear();
    this.typingState.set([]);
  }

  private onEnded(): void {
    this.clearTypingTimers();
    // Keys that have not come by now never will; nothing should wait for them.
    this.keys.abandon();
    // Without a reason the page closed the socket itself (close()): the session lives on.
    if (this.leaving || this.closing || this.connection.endReason() === undefined) return;
    // The session is over on the server; nothing of it is worth keeping in this tab.
    void this.sessions.clear().catch(() => undefined);
  }

  private addOwn(session: ChatSession, id: string, content: MessageContent): void {
    this.seen.add(id);
    this.append({ type: 'message', id, from: session.username, own: true, delivery: 'pending', content });
  }

  private async deliver(id: string): Promise<void> {
    const session = this.sessionState();
    const outgoing = this.outgoing.get(id);
    if (!session || !outgoing) return;
    const ctx = { roomKey: session.roomKey, from: session.username, id };
    try {
      if (!outgoing.box) {
        const keys = await this.keys.ready;
        if (!keys) throw new Error('no room key in this tab');
        outgoing.box = outgoing.image
          ? await this.crypto.encryptImage(keys.encKey, ctx, outgoing.image)
          : await this.crypto.encryptText(keys.encKey, ctx, outgoing.text ?? '');
        outgoing.image = undefined;
        outgoing.text = undefined;
      }
      const { ts } = await this.connection.send({ id, box: outgoing.box });
      this.outgoing.delete(id);
      this.patch(id, { delivery: 'delivered', ts, error: undefined });
    } catch (error) {
      this.patch(id, { delivery: 'failed', error: sendErrorText(error) });
    }
  }

  private patch(id: string, changes: Partial<Pick<MessageEntry, 'delivery' | 'ts' | 'error'>>): void {
    this.entryState.update((entries) =>
      entries.map((entry) => (entry.type === 'message' && entry.id === id ? { ...entry, ...changes } : entry)),
    );
  }

  private addSystem(text: string, at: number): string {
    const id = `system-${++this.systemLines}`;
    this.append({ type: 'system', id, text, at });
    return id;
  }

  private append(entry: ChatEntry): void {
    const entries = [...this.entryState(), entry];
    const excess = entries.length - MAX_ENTRIES;
    if (excess > 0) {
      for (const gone of entries.splice(0, excess)) {
        this.revoke(gone.id);
        this.outgoing.delete(gone.id);
      }
    }
    this.entryState.set(entries);
  }

  private objectUrl(id: string, bytes: Uint8Array, mime: string): string {
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
    this.objectUrls.set(id, url);
    return url;
  }

  private revoke(id: string): void {
    const url = this.objectUrls.get(id);
    if (url === undefined) return;
    URL.revokeObjectURL(url);
    this.objectUrls.delete(id);
  }
}
