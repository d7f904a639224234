import { Injectable, inject, signal } from '@angular/core';
import type { Member, MemberEvent, PresenceEvent, RoomInfo } from '@ciphernest/protocol';

import { ChatLog } from './chat-log';
import { ChatTyping } from './chat-typing';

/**
 * The room and its members, as `presence` (on every connect) and `member` events tell them.
 * Each change of membership leaves a line in the list; one who left stops typing.
 */
@Injectable()
export class RoomPresence {
  private readonly log = inject(ChatLog);
  private readonly typing = inject(ChatTyping);
  private readonly roomState = signal<RoomInfo | undefined>(undefined);
  private readonly memberState = signal<Member[]>([]);

  readonly room = this.roomState.asReadonly();
  readonly members = this.memberState.asReadonly();

  /** The room as the session knows it, until the first `presence`. */
  start(room: RoomInfo): void {
    this.roomState.set(room);
  }

  /** Replaces the room and the member list, without a line: presence says what is, not what changed. */
  replace(event: PresenceEvent): void {
    this.roomState.set(event.room);
    this.memberState.set(event.members);
  }

  follow(event: MemberEvent): void {
    const { name } = event;
    switch (event.type) {
      case 'joined':
        this.setStatus(name, 'online');
        this.log.addSystem(`${name} joined`, event.at);
        break;
      case 'back':
        this.setStatus(name, 'online');
        this.log.addSystem(`${name} is back`, event.at);
        break;
      case 'away':
        this.setStatus(name, 'away');
        this.log.addSystem(`${name} is away`, event.at);
        break;
      case 'left':
        this.memberState.update((members) => members.filter((member) => member.name !== name));
        this.typing.drop(name);
        this.log.addSystem(event.reason === 'timeout' ? `${name} timed out` : `${name} left`, event.at);
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
}
