import { Injectable, inject, signal } from '@angular/core';
import type { Member, MemberEvent, PresenceEvent, RoomInfo } from '@ciphernest/protocol';

import { ChatLog } from './chat-log';
import { ChatTyping } from './chat-typing';

/**
 * The room and its members, as `presence` (on every connect) and `member` events tell them.
 * Each change of membership leaves a line in the list; one who left stops typing. A `presence`
 * after a reconnect (or, after a reload, the members kept from before it) is compared with what
 * was known: who left or joined meanwhile gets a line too.
 */
@Injectable()
export class RoomPresence {
  private readonly log = inject(ChatLog);
  private readonly typing = inject(ChatTyping);
  private readonly roomState = signal<RoomInfo | undefined>(undefined);
  private readonly memberState = signal<Member[]>([]);
  /** Whether the member list says anything yet (a first `presence`, or members kept across a reload). */
  private known = false;
  private me = '';

  readonly room = this.roomState.asReadonly();
  readonly members = this.memberState.asReadonly();

  /** Our own username, as the session has it ('' before start). */
  get username(): string {
    return this.me;
  }

  /** The room as the session knows it, until the first `presence`; `me` gets no line of its own. */
  start(room: RoomInfo, me = ''): void {
    this.roomState.set(room);
    this.me = me;
  }

  /**
   * Replaces the room and the member list. The first says what is, without a line; a later one
   * (after a reconnect) also says who left or joined while we were away.
   */
  replace(event: PresenceEvent): void {
    const before = this.known ? this.memberState() : undefined;
    this.roomState.set(event.room);
    this.memberState.set(event.members);
    this.known = true;
    if (before !== undefined) this.catchUp(before);
  }

  /**
   * The members as known before a reload: lines for who left or joined since, if a `presence`
   * has come; otherwise they stand until it does, and it is compared with them.
   */
  recall(members: readonly Member[]): void {
    if (!this.known) {
      this.memberState.set([...members]);
      this.known = true;
      return;
    }
    this.catchUp(members);
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

  /** Lines for the differences between `before` and the members now. */
  private catchUp(before: readonly Member[]): void {
    const now = this.memberState();
    const at = Date.now();
    const names = (members: readonly Member[]) => new Set(members.map((member) => member.name));
    const [was, is] = [names(before), names(now)];
    was.delete(this.me);
    is.delete(this.me);
    for (const name of was) {
      if (!is.has(name)) {
        this.typing.drop(name);
        this.log.addSystem(`${name} left while you were away`, at);
      }
    }
    for (const name of is) if (!was.has(name)) this.log.addSystem(`${name} joined while you were away`, at);
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
