import { ChangeDetectionStrategy, Component, DestroyRef, type OnInit, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute, Router } from '@angular/router';

import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { ActiveChat } from './active-chat';
import type { ChatNotifier } from './chat-notifier';
import type { ChatStore } from './chat-store';
import { Composer } from './composer';
import { ConnectionBanner } from './connection-banner';
import { KeyFingerprint } from './key-fingerprint';
import { MemberList } from './member-list';
import { MessageList } from './message-list';
import { TypingIndicator } from './typing-indicator';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * The room: restores this tab's session (or sends to /login), then shows its chat, which
 * ActiveChat keeps while the session lives: leaving this page within the app keeps it going.
 */
@Component({
  selector: 'app-chat-page',
  imports: [Composer, ConnectionBanner, KeyFingerprint, MemberList, MessageList, TypingIndicator],
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
  private leaving = false;
  private destroyed = false;

  constructor() {
    effect(() => {
      if (this.open()) this.title.setTitle(this.store.title());
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
