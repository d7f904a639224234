import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, type ElementRef, type OnInit, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import type { Verification } from '@ciphernest/crypto';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';

import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { mediaMatches } from '../../shared/media-matches';
import { ActiveChat } from './active-chat';
import type { ChatNotifier } from './chat-notifier';
import type { ChatStore } from './chat-store';
import { Composer } from './composer';
import { ConfirmDialog } from './confirm-dialog';
import { ConnectionBanner } from './connection-banner';
import { MemberList } from './member-list';
import { MembersDrawer } from './members-drawer';
import { MessageList } from './message-list';
import { NotificationSetting } from './notification-setting';
import { ReplyBanner } from './reply-banner';
import { RoomInvite } from './room-invite';
import { SafetyNumberDialog, type ShownSafetyNumber } from './safety-number-dialog';
import { TypingIndicator } from './typing-indicator';

/**
 * Below this width the room is compact: a one-line bar, the members in a drawer, the note and the
 * actions behind buttons, no site menu. chat-page.css and app.css repeat the query.
 */
export const COMPACT_ROOM_QUERY = '(max-width: 47.99rem)';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * The room: restores this tab's session (or sends to /login), then shows its chat, which
 * ActiveChat keeps while the session lives: leaving this page within the app keeps it going.
 * The header offers the invite link and its QR code; alone in a room where nothing was said
 * yet, a panel above the messages offers them too. "Leave chat" asks once before it erases.
 * "Verify" on a member opens the pair's safety number, computed when the dialog opens (about
 * 0.4 s) and again when that member's keys arrive or change. On a narrow screen
 * ({@link COMPACT_ROOM_QUERY}) the header is one line (the room's name, "End-to-end encrypted"
 * that shows the note, "Members" that opens the member list in a drawer, "Room actions" that shows
 * the actions), so that the conversation gets the height.
 */
@Component({
  selector: 'app-chat-page',
  imports: [Composer, ConfirmDialog, ConnectionBanner, MemberList, MembersDrawer, MessageList, NgTemplateOutlet, NotificationSetting, ReplyBanner, RoomInvite, RouterLink, SafetyNumberDialog, TypingIndicator],
  templateUrl: './chat-page.html',
  styleUrl: './chat-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(dragover)': 'offerDrop($event)',
    '(dragleave)': 'hideDropHint($event)',
    '(drop)': 'sendDroppedFiles($event)',
  },
})
export class ChatPage implements OnInit {
  private readonly chats = inject(ActiveChat);
  private readonly sessions = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly title = inject(Title);

  /** Set, with `open`, once the session is restored. */
  protected store!: ChatStore;
  protected notifier!: ChatNotifier;
  protected readonly open = signal(false);
  protected readonly dragging = signal(false);
  protected readonly compact = mediaMatches(COMPACT_ROOM_QUERY);
  /** Compact layout: the members drawer, the end-to-end note and the actions, each shown or not. */
  protected readonly membersOpen = signal(false);
  protected readonly noteShown = signal(false);
  protected readonly actionsShown = signal(false);
  private readonly membersButton = viewChild<ElementRef<HTMLButtonElement>>('membersButton');
  /** The member whose safety number is shown, while the dialog is open. */
  protected readonly verifying = signal<string | undefined>(undefined);
  protected readonly safetyNumber = signal<ShownSafetyNumber>('computing');
  /** The members' names, whose `@name` mentions the messages highlight. */
  protected readonly memberNames = computed(() => (this.open() ? this.store.members().map((member) => member.name) : []));
  /** Changes when the number shown must be computed: another member, or that member's keys arrived or changed. */
  private readonly numberNeeded = computed(() => {
    const name = this.verifying();
    if (name === undefined || !this.open()) return undefined;
    const member = this.store.trust().find((known) => known.name === name);
    return { name, keysKnown: member?.keysKnown ?? false, changed: member?.verification === 'key-changed' };
  }, { equal: (a, b) => a?.name === b?.name && a?.keysKnown === b?.keysKnown && a?.changed === b?.changed });
  /** "Leave chat" asks first: the dialog is open while this holds. */
  protected readonly confirmingLeave = signal(false);
  /** Alone in a room where nothing was said yet (the creator's new room): the invite panel shows. */
  protected readonly alone = computed(
    () =>
      this.open() &&
      !this.store.ended() &&
      this.store.members().length === 1 &&
      !this.store.entries().some((entry) => entry.type === 'message'),
  );
  private readonly leaveButton = viewChild<ElementRef<HTMLButtonElement>>('leaveButton');
  private numberRequests = 0;
  private leaving = false;
  private destroyed = false;

  constructor() {
    effect(() => {
      if (this.open()) this.title.setTitle(this.store.title());
    });
    effect(() => {
      // The drawer goes with the compact layout; it must not come back open with it.
      if (!this.compact()) untracked(() => this.membersOpen.set(false));
    });
    effect(() => {
      const needed = this.numberNeeded();
      if (needed !== undefined) untracked(() => void this.showSafetyNumber(needed.name));
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      // The session lives on with its chat; only an ended one goes with the page.
      this.chats.release();
    });
  }

  async ngOnInit(): Promise<void> {
    let session: ChatSession | undefined;
    try {
      session = await this.sessions.restore();
    } catch {
      session = undefined;
    }
    if (this.destroyed) return;
    if (!session) {
      this.chats.release();
      const roomname = this.route.snapshot.queryParamMap.get('roomname');
      await this.router.navigate(['/login'], { queryParams: roomname ? { roomname } : {}, replaceUrl: true });
      return;
    }
    ({ store: this.store, notifier: this.notifier } = this.chats.open(session));
    this.open.set(true);
  }

  protected async leave(): Promise<void> {
    if (this.leaving) return;
    this.leaving = true;
    await this.store.leave();
    await this.router.navigate(['/']);
  }

  protected openMembers(): void {
    this.membersOpen.set(true);
  }

  /** The drawer closed (Escape, Close, the backdrop): focus goes back to the button that opened it. */
  protected closeMembers(): void {
    if (!this.membersOpen()) return;
    this.membersOpen.set(false);
    this.membersButton()?.nativeElement.focus();
  }

  protected toggleNote(): void {
    this.noteShown.update((shown) => !shown);
  }

  protected toggleActions(): void {
    this.actionsShown.update((shown) => !shown);
  }

  /** Stay (or Escape): focus goes back to "Leave chat"; after "Leave and erase" the page is going. */
  protected leaveDialogClosed(): void {
    this.confirmingLeave.set(false);
    if (!this.leaving) this.leaveButton()?.nativeElement.focus();
  }

  protected verificationOf(name: string | undefined): Verification | undefined {
    return this.store.trust().find((member) => member.name === name)?.verification;
  }

  protected markVerified(name: string): void {
    void this.store.markVerified(name);
  }

  private async showSafetyNumber(name: string): Promise<void> {
    const request = ++this.numberRequests;
    this.safetyNumber.set('computing');
    const number = await this.store.safetyNumber(name);
    if (request === this.numberRequests) this.safetyNumber.set(number ?? 'unavailable');
  }

  protected offerDrop(event: DragEvent): void {
    if (!this.open() || !hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = this.store.ended() ? 'none' : 'copy';
    this.dragging.set(true);
  }

  protected hideDropHint(event: DragEvent): void {
    const to = event.relatedTarget as Node | null;
    if (!to || !(event.currentTarget as Node).contains(to)) this.dragging.set(false);
  }

  protected sendDroppedFiles(event: DragEvent): void {
    if (!this.open() || !hasFiles(event)) return;
    event.preventDefault();
    this.dragging.set(false);
    for (const file of Array.from(event.dataTransfer?.files ?? [])) void this.store.sendAttachment(file);
  }
}
