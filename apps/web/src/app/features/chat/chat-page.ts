import { ChangeDetectionStrategy, Component, DestroyRef, type OnInit, computed, effect, inject, signal, untracked } from '@angular/core';
import type { Verification } from '@ciphernest/crypto';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute, Router } from '@angular/router';

import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { ActiveChat } from './active-chat';
import type { ChatNotifier } from './chat-notifier';
import type { ChatStore } from './chat-store';
import { Composer } from './composer';
import { ConnectionBanner } from './connection-banner';
import { MemberList } from './member-list';
import { MessageList } from './message-list';
import { NotificationSetting } from './notification-setting';
import { ReplyBanner } from './reply-banner';
import { SafetyNumberDialog, type ShownSafetyNumber } from './safety-number-dialog';
import { TypingIndicator } from './typing-indicator';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * The room: restores this tab's session (or sends to /login), then shows its chat, which
 * ActiveChat keeps while the session lives: leaving this page within the app keeps it going.
 * "Verify" on a member opens the pair's safety number, computed when the dialog opens (about
 * 0.4 s) and again when that member's keys arrive or change.
 */
@Component({
  selector: 'app-chat-page',
  imports: [Composer, ConnectionBanner, MemberList, MessageList, NotificationSetting, ReplyBanner, SafetyNumberDialog, TypingIndicator],
  templateUrl: './chat-page.html',
  styleUrl: './chat-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(dragover)': 'offerDrop($event)',
    '(dragleave)': 'hideDropHint($event)',
    '(drop)': 'sendDroppedImages($event)',
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
  private numberRequests = 0;
  private leaving = false;
  private destroyed = false;

  constructor() {
    effect(() => {
      if (this.open()) this.title.setTitle(this.store.title());
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

  protected sendDroppedImages(event: DragEvent): void {
    if (!this.open() || !hasFiles(event)) return;
    event.preventDefault();
    this.dragging.set(false);
    for (const file of Array.from(event.dataTransfer?.files ?? [])) void this.store.sendImage(file);
  }
}
