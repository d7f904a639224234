import { EnvironmentInjector, Injectable, InjectionToken, type Provider, createEnvironmentInjector, inject } from '@angular/core';

import type { ChatSession } from '../../core/session/session-store';
import { ChatNotifier } from './chat-notifier';
import { ChatStore } from './chat-store';
import { provideChat } from './provide-chat';

/** What one open chat is made of: provideChat() unless a spec swaps a part for a double. */
export const CHAT_PROVIDERS = new InjectionToken<Provider[]>('CHAT_PROVIDERS', {
  providedIn: 'root',
  factory: () => provideChat(),
});

/** The parts of the open chat that its page shows. */
export interface OpenChat {
  store: ChatStore;
  notifier: ChatNotifier;
}

/**
 * This tab's open chat, kept while its session lives: the chat page takes it when it opens and
 * leaves it when it goes, so moving to another page of the app (Create, Join, About, and Back)
 * neither ends the session nor makes it "away" for the others: the socket stays up, messages keep
 * arriving, and the conversation is all there on coming back. Each chat has an injector of its
 * own under the root, holding provideChat()'s parts; it is destroyed (closing the socket without
 * leaving) when the chat has ended and its page goes, or when another session opens a chat.
 */
@Injectable({ providedIn: 'root' })
export class ActiveChat {
  private readonly parent = inject(EnvironmentInjector);
  private readonly providers = inject(CHAT_PROVIDERS);
  private current: { token: string; injector: EnvironmentInjector; chat: OpenChat } | undefined;

  /** The chat of `session`: the one open for its token while it has not ended, or a new one, started. */
  open(session: ChatSession): OpenChat {
    const current = this.current;
    if (current !== undefined && current.token === session.token && !current.chat.store.ended()) return current.chat;
    this.close();
    const injector = createEnvironmentInjector(this.providers, this.parent, 'ActiveChat');
    const chat = { store: injector.get(ChatStore), notifier: injector.get(ChatNotifier) };
    this.current = { token: session.token, injector, chat };
    chat.store.start(session);
    return chat;
  }

  /** Its page went away: a chat whose session has ended goes too; a live one stays for the page's return. */
  release(): void {
    if (this.current?.chat.store.ended()) this.close();
  }

  /** Closes the open chat, if any, without leaving: its session lives on for the server's grace. */
  close(): void {
    const current = this.current;
    this.current = undefined;
    if (current === undefined) return;
    if (!current.chat.store.ended()) current.chat.store.close();
    current.injector.destroy();
  }
}
