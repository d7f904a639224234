import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ReactionEmoji, SafetyNumber } from '@ciphernest/crypto';

import { ApiClient } from '../../core/api/api-client';
import { ChatConnection } from '../../core/realtime/chat-connection';
import { type ChatSession, SessionStore } from '../../core/session/session-store';
import type { ChatNotice } from './chat-entry';
import { CarriedOverMessages } from './carried-over-messages';
import { ChatActions } from './chat-actions';
import { ChatAttachments } from './chat-attachments';
import { ChatCipher, type LayerOutcome } from './chat-cipher';
import { ChatDelivery } from './chat-delivery';
import { ChatInbox } from './chat-inbox';
import { ChatLog } from './chat-log';
import { ChatOutbox } from './chat-outbox';
import { ChatReceipts } from './chat-receipts';
import { chatTitle } from './chat-title';
import { ChatTyping } from './chat-typing';
import { ConversationKeeper } from './conversation-keeper';
import { isSendableText } from './is-sendable-text';
import { RoomPresence } from './room-presence';
import { UnreadCounter } from './unread-counter';

/**
 * What the chat page shows and does: the room, its members (and whether that list is current),
 * the message list, who is typing, the connection and the unread count; sending, sending
 * again, leaving, the message actions (reply, react, delete for everyone, copy: ChatActions).
 * It hands ChatConnection's events to the parts that follow them (RoomPresence and ChatCipher
 * for membership, ChatInbox, ChatTyping, ChatDelivery for receipts, ChatReceipts for missed),
 * our messages to ChatOutbox, and runs the session's life: start (resuming, docs/protocol.md
 * §5.1), keys and the kept conversation after a reload (ConversationKeeper), leave, close, end
 * (what could not be sent is kept for the next session, CarriedOverMessages). It also shows what
 * the end-to-end layer knows of each member (its verification) and the pair's safety number
 * (docs/protocol.md §3.1). Provided with those parts in the open chat's injector (provideChat).
 *
 * The end-to-end layer opens with the first `presence`, which carries the session's vault: a
 * new identity for a session just created or joined; after a reload (the session comes without
 * its keys) ChatCipher opens the room key with the vault, then the layer kept with the
 * conversation, once ConversationKeeper has put that back. Until then received messages wait in
 * order and sends wait to be sealed. If the keys cannot be opened, the tab leaves the room.
 */
@Injectable()
export class ChatStore {
  private readonly connection = inject(ChatConnection);
  private readonly sessions = inject(SessionStore);
  private readonly api = inject(ApiClient);
  private readonly attachments = inject(ChatAttachments);
  private readonly cipher = inject(ChatCipher);
  private readonly log = inject(ChatLog);
  private readonly presence = inject(RoomPresence);
  private readonly inbox = inject(ChatInbox);
  private readonly outbox = inject(ChatOutbox);
  private readonly typing = inject(ChatTyping);
  private readonly unreadCounter = inject(UnreadCounter);
  private readonly receipts = inject(ChatReceipts);
  private readonly delivery = inject(ChatDelivery);
  private readonly carriedOver = inject(CarriedOverMessages);
  private readonly keeper = inject(ConversationKeeper);
  private readonly actions = inject(ChatActions);
  private readonly destroyRef = inject(DestroyRef);

  private readonly sessionState = signal<ChatSession | undefined>(undefined);
  private readonly noticeState = signal<ChatNotice | undefined>(undefined);

  readonly session = this.sessionState.asReadonly();
  readonly me = computed(() => this.sessionState()?.username ?? '');
  readonly roomName = computed(() => this.presence.room()?.name ?? '');
  /** True once the end-to-end layer is open (until then the page says the key is being opened). */
  readonly secured = this.cipher.open;
  readonly members = this.presence.members;
  /** The other members as the end-to-end layer knows them: keys known, and verification. */
  readonly trust = this.cipher.trust;
  readonly entries = this.log.entries;
  /** The message the reply being written quotes (shown above the composer), if any. */
  readonly replyingTo = this.actions.replyingTo;
  readonly typingNames = this.typing.others;
  readonly unread = this.unreadCounter.count;
  readonly notice = this.noticeState.asReadonly();
  readonly connectionState = this.connection.state;
  readonly endReason = this.connection.endReason;
  readonly ended = computed(() => this.connection.state() === 'ended');
  readonly title = computed(() => chatTitle(this.roomName(), this.unread()));
  /** Why the member list is not current, while the connection is down; undefined while it is up. */
  readonly membersStale = computed(() => {
    const state = this.connection.state();
    if (state === 'reconnecting') return 'Connection lost: this list is not current.';
    if (state === 'ended') return 'Session ended: this list is not current.';
    return undefined;
  });
  /** Our messages in the list that have not gone out (pending or failed). */
  readonly unsentCount = computed(() => this.entries().filter((entry) => entry.type === 'message' && entry.own && (entry.delivery === 'pending' || entry.delivery === 'failed')).length);

  private leaving = false;
  private closing = false;
  private destroyed = false;

  constructor() {
    effect(() => {
      if (this.connection.state() === 'ended') untracked(() => this.wrapUp());
    });
    this.destroyRef.onDestroy(() => {
      this.destroyed = true;
      this.cipher.abandon();
    });
  }

  /**
   * Shows `session` and connects with its token. A session that comes with its keys was just
   * created or joined: it resumes from 0 (docs/protocol.md §5.1). One restored after a reload
   * first reads where the conversation it kept stands and resumes from there (from nowhere if it
   * kept none); received messages wait until that conversation is back in the list. Messages a
   * previous session in this room could not send are offered again.
   */
  start(session: ChatSession): void {
    this.sessionState.set(session);
    this.presence.start(session.room, session.username);
    this.cipher.start(session, session.keys ? undefined : this.keeper.restored);
    this.follow();
    this.offerCarriedOver(session);
    const connect = () => this.connection.connect(session.token, () => this.receipts.resumePoint());
    if (session.keys) {
      this.receipts.start({ seen: 0, opened: 0, receipted: 0 });
      this.keeper.begin(session);
      connect();
      return;
    }
    void this.keeper.prepare(session).then((point) => {
      if (this.destroyed) return;
      this.receipts.start(point);
      connect();
    });
  }

  /** Encrypts and sends a text (a reply, while one is being written); it shows as pending at once. False when refused here. */
  sendText(text: string): boolean {
    if (!this.sessionState() || this.ended() || !isSendableText(text)) return false;
    this.typing.stop();
    this.noticeState.set(undefined);
    this.outbox.sendText(this.me(), text, this.actions.takeReply());
    return true;
  }

  /**
   * Sends a picked or dropped file (ChatAttachments): an image re-encoded without its metadata
   * (a GIF kept animated), anything else as a file, refused with the limit when too large. Never
   * rejects; says why in `notice`.
   */
  async sendAttachment(file: Blob & { name?: string }): Promise<void> {
    if (!this.sessionState() || this.ended()) return;
    this.noticeState.set(this.attachments.isImage(file) ? { tone: 'info', text: 'Preparing the image…' } : undefined);
    const prepared = await this.attachments.prepare(file);
    if ('refused' in prepared) {
      this.noticeState.set({ tone: 'error', text: prepared.refused });
      return;
    }
    if (this.destroyed || this.ended()) return;
    this.noticeState.set(prepared.note ? { tone: 'info', text: prepared.note } : undefined);
    const delivery = this.attachments.send(this.me(), prepared);
    if (delivery === undefined) this.noticeState.set({ tone: 'error', text: 'This browser could not show the image.' });
    await delivery;
  }

  /** Sends a failed message again with the same id (and the same box, once sealed). */
  retry(id: string): void {
    if (!this.ended()) this.outbox.retry(id);
  }

  /** The next text sent replies to the message `id` (until cancelled with undefined). */
  replyTo(id: string | undefined): void {
    this.actions.startReply(id);
  }

  /** Turns our reaction `emoji` on message `id` on or off, for everyone; a notice if it could not be sent. */
  async react(id: string, emoji: ReactionEmoji): Promise<void> {
    this.tell(await this.actions.react(this.me(), id, emoji));
  }

  /** Deletes our message `id` for everyone (docs/protocol.md §3); a notice if it could not be sent. */
  async deleteForEveryone(id: string): Promise<void> {
    this.tell(await this.actions.deleteForEveryone(this.me(), id));
  }

  /** Copies a message's text to the clipboard; says how it went. */
  async copy(id: string): Promise<void> {
    this.tell(await this.actions.copyText(id));
  }

  /** The composer's text changed: tell the others we are typing, or that we stopped. */
  composing(hasText: boolean): void {
    this.typing.composing(hasText);
  }

  dismissNotice(): void {
    this.noticeState.set(undefined);
  }

  /** The safety number of this tab and `name` (about 0.4 s of work); undefined while `name`'s keys are unknown. */
  safetyNumber(name: string): Promise<SafetyNumber | undefined> {
    return this.cipher.safetyNumber(name);
  }

  /** The user compared `name`'s safety number and found it equal. */
  markVerified(name: string): Promise<void> {
    return this.cipher.markVerified(name);
  }

  /** Leaves the room for good and erases this tab's session. */
  async leave(): Promise<void> {
    this.leaving = true;
    this.typing.clear();
    // Nothing more is kept; what was is erased (after a write under way, if any), and the layer's key bytes zeroed.
    void this.keeper.end();
    void this.cipher.wipe();
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
    this.typing.clear();
    this.connection.disconnect();
  }

  /** Hands ChatConnection's events to the parts that follow them. */
  private follow(): void {
    const until = <T>() => takeUntilDestroyed<T>(this.destroyRef);
    this.connection.presence$.pipe(until()).subscribe((event) => {
      this.presence.replace(event);
      this.receipts.reconnected();
      void this.cipher.connected(event).then((outcome) => this.leaveIfLocked(outcome));
      void this.keeper.unlock(event.vault);
    });
    this.connection.member$.pipe(until()).subscribe((event) => {
      this.presence.follow(event);
      this.cipher.memberChanged(event);
    });
    this.connection.message$.pipe(until()).subscribe((message) => this.inbox.receive(message));
    this.connection.typing$.pipe(until()).subscribe((event) => {
      if (event.name !== this.me()) this.typing.follow(event);
    });
    this.connection.received$.pipe(until()).subscribe((receipt) => {
      if (receipt.name !== this.me()) this.delivery.follow(receipt);
    });
    this.connection.missed$.pipe(until()).subscribe((span) => this.receipts.lost(span));
  }

  private tell(notice: ChatNotice | undefined): void {
    if (notice !== undefined) this.noticeState.set(notice);
  }

  private offerCarriedOver(session: ChatSession): void {
    const carried = this.carriedOver.take(session.roomKey);
    if (carried.length === 0) return;
    this.outbox.offer(session.username, carried);
    const count = carried.length === 1 ? 'A message' : `${carried.length} messages`;
    this.noticeState.set({ tone: 'info', text: `${count} from your last session could not be sent: send again or copy below.` });
  }

  private async leaveIfLocked(outcome: LayerOutcome): Promise<void> {
    if (outcome !== 'failed' || this.destroyed || this.leaving || this.closing) return;
    // Without its keys this tab can neither read nor send: give the place back to the others.
    this.cipher.abandon();
    await this.leave();
    this.noticeState.set({ tone: 'error', text: "This tab could not reopen the room's key, so it left the room. Join again with the password." });
  }

  /** The connection has ended, whoever ended it. */
  private wrapUp(): void {
    this.typing.clear();
    // Keys that have not come by now never will; nothing should wait for them.
    this.cipher.abandon();
    // Without a reason the page closed the socket itself (close()): the session lives on.
    if (this.leaving || this.closing || this.connection.endReason() === undefined) return;
    // The session is over on the server; nothing of it is worth keeping in this tab but what we
    // wrote and could not send, offered again when we join again.
    const session = this.sessionState();
    if (session) this.carriedOver.keep(session.roomKey, this.outbox.unsent());
    void this.keeper.end();
    void this.cipher.wipe();
    void this.sessions.clear().catch(() => undefined);
  }
}
