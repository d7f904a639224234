import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { TypingEvent } from '@ciphernest/protocol';

import { ChatConnection } from '../../core/realtime/chat-connection';

/** Someone else's "typing" fades when no update came for this long. */
export const TYPING_EXPIRY_MS = 5_000;
/** We repeat our own "typing" at most this often... */
export const TYPING_THROTTLE_MS = 2_000;
/** ...and say we stopped after this long without a keystroke. */
export const TYPING_IDLE_MS = 3_000;

/**
 * Typing, both ways: who else is typing, as their `typing` events say (each fades after
 * TYPING_EXPIRY_MS without an update), and telling the others whether we are (at most every
 * TYPING_THROTTLE_MS, and that we stopped after TYPING_IDLE_MS idle or when asked).
 */
@Injectable()
export class ChatTyping {
  private readonly connection = inject(ChatConnection);
  private readonly typists = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly names = signal<string[]>([]);
  private sentAt: number | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;

  /** The others typing now, in the order they started. */
  readonly others = this.names.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.clear());
  }

  /** Someone else's `typing` event. */
  follow(event: TypingEvent): void {
    clearTimeout(this.typists.get(event.name));
    if (event.active) this.typists.set(event.name, setTimeout(() => this.drop(event.name), TYPING_EXPIRY_MS));
    else this.typists.delete(event.name);
    this.names.set([...this.typists.keys()]);
  }

  /** `name` is no longer typing (their message arrived, they left). */
  drop(name: string): void {
    if (!this.typists.has(name)) return;
    clearTimeout(this.typists.get(name));
    this.typists.delete(name);
    this.names.set([...this.typists.keys()]);
  }

  /** Our composer's text changed: tell the others we are typing, or that we stopped. */
  composing(hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    if (this.ended()) return;
    const now = Date.now();
    if (this.sentAt === undefined || now - this.sentAt >= TYPING_THROTTLE_MS) {
      this.sentAt = now;
      this.connection.typing(true);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** Tells the others we stopped, if we had said we were typing. */
  stop(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    if (this.sentAt === undefined) return;
    this.sentAt = undefined;
    if (!this.ended()) this.connection.typing(false);
  }

  /** Forgets all typing, ours without telling anyone: the socket is going or gone. */
  clear(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    this.sentAt = undefined;
    for (const timer of this.typists.values()) clearTimeout(timer);
    this.typists.clear();
    this.names.set([]);
  }

  private ended(): boolean {
    return this.connection.state() === 'ended';
  }
}
