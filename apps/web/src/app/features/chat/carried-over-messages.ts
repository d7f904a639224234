import { Injectable } from '@angular/core';

import type { UnsentMessage } from './chat-outbox';

/**
 * Our messages that a session ended before sending, kept for the tab's next session in the same
 * room ("Join again"), where they are offered to be sent. In memory only, for the in-app
 * navigation from the ended chat through /login back to /chat: a reload forgets them (they are
 * never written to disk, and the ended session's vault, which could have sealed them, is gone).
 */
@Injectable({ providedIn: 'root' })
export class CarriedOverMessages {
  private kept: { roomKey: string; messages: UnsentMessage[] } | undefined;

  /** Keeps `messages` of the room `roomKey` for the next session, in place of any kept before. */
  keep(roomKey: string, messages: readonly UnsentMessage[]): void {
    this.kept = messages.length > 0 ? { roomKey, messages: [...messages] } : undefined;
  }

  /** A new session starts in `roomKey`: the messages kept for that room, once; any kept for another room are dropped. */
  take(roomKey: string): UnsentMessage[] {
    const kept = this.kept;
    this.kept = undefined;
    return kept?.roomKey === roomKey ? kept.messages : [];
  }
}
