import { ChangeDetectionStrategy, Component, DestroyRef, type OnInit, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute, Router } from '@angular/router';

import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { ChatNotifier } from './chat-notifier';
import { ChatStore } from './chat-store';
import { Composer } from './composer';
import { ConnectionBanner } from './connection-banner';
import { KeyFingerprint } from './key-fingerprint';
import { MemberList } from './member-list';
import { MessageList } from './message-list';
import { provideChat } from './provide-chat';
import { TypingIndicator } from './typing-indicator';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** The room: restores this tab's session (or sends to /login), then shows and runs the chat. */
@Component({
  selector: 'app-chat-page',
  imports: [Composer, ConnectionBanner, KeyFingerprint, MemberList, MessageList, TypingIndicator],
  providers: provideChat(),
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
  protected readonly store = inject(ChatStore);
  protected readonly notifier = inject(ChatNotifier);
  private readonly sessions = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly title = inject(Title);

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
      if (this.open() && !this.leaving) this.store.close();
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
      const roomname = this.route.snapshot.queryParamMap.get('roomname');
      await this.router.navigate(['/login'], { queryParams: roomname ? { roomname } : {}, replaceUrl: true });
      return;
    }
    this.store.start(session);
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
