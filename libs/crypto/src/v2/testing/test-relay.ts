// Test only: an in-memory stand-in for the server (docs/protocol.md §5-§6) between E2eRoom
// instances: it relays each box unchanged to every other member, in the order sent, tells the
// others who joined and left, and records every frame, as a network tap would.

import { importEncKey } from '../../room-keys';
import { randomBytes } from '../../random-bytes';
import { E2eRoom } from '../e2e-room';
import type { E2eEvent, Relayed } from '../incoming';
import type { Outgoing } from '../outgoing';

export const ROOM_KEY = 'lobby';

/** One member's tab: its E2eRoom, its vault, what waits for it and what it saw. */
export interface TestTab {
  name: string;
  vault: string;
  room: E2eRoom;
  inbox: Relayed[];
  events: E2eEvent[];
}

export class TestRelay {
  readonly tabs = new Map<string, TestTab>();
  /** Every frame relayed, in order: what a recording of the room's traffic holds. */
  readonly recording: Relayed[] = [];
  now = 1_000_000;

  private constructor(readonly encKey: CryptoKey) {}

  static async open(): Promise<TestRelay> {
    return new TestRelay(await importEncKey(randomBytes(32)));
  }

  tab(name: string): TestTab {
    const tab = this.tabs.get(name);
    if (tab === undefined) throw new Error(`no tab ${name}`);
    return tab;
  }

  /** A new session joins: the others get `member joined`, the joiner its `presence`. */
  async join(name: string): Promise<TestTab> {
    const vault = Buffer.from(randomBytes(32)).toString('base64url');
    const room = await E2eRoom.create({ roomKey: ROOM_KEY, username: name, vault, encKey: this.encKey });
    for (const other of this.tabs.values()) await other.room.memberJoined(name);
    const tab: TestTab = { name, vault, room, inbox: [], events: [] };
    this.tabs.set(name, tab);
    await room.syncMembers([...this.tabs.keys()]);
    return tab;
  }

  /** A tab that takes over a session (its predecessor's state lost): same name, new identity, no membership event. */
  async replace(name: string): Promise<TestTab> {
    const vault = Buffer.from(randomBytes(32)).toString('base64url');
    const room = await E2eRoom.create({ roomKey: ROOM_KEY, username: name, vault, encKey: this.encKey });
    const tab: TestTab = { name, vault, room, inbox: [], events: [] };
    this.tabs.set(name, tab);
    await room.syncMembers([...this.tabs.keys()]);
    return tab;
  }

  /** A session ends: the others get `member left`. */
  async leave(name: string): Promise<void> {
    this.tabs.delete(name);
    for (const other of this.tabs.values()) await other.room.memberLeft(name);
  }

  /** Relays what a tab sends, as the server would. */
  post(from: string, outgoing: readonly Outgoing[]): void {
    for (const { id, box } of outgoing) {
      const frame = { from, id, box };
      this.recording.push(frame);
      for (const tab of this.tabs.values()) if (tab.name !== from) tab.inbox.push(frame);
    }
  }

  async send(from: string, text: string, id: string = Buffer.from(randomBytes(16)).toString('base64url')): Promise<string> {
    this.post(from, await this.tab(from).room.send(id, { kind: 'text', text }, this.now));
    return id;
  }

  /** Flushes every tab and delivers everything, until nothing is left to send or read. */
  async settle(): Promise<void> {
    for (let busy = true; busy; ) {
      busy = false;
      for (const tab of [...this.tabs.values()]) {
        const due = await tab.room.flush(this.now);
        if (due.length > 0) busy = true;
        this.post(tab.name, due);
        while (tab.inbox.length > 0) {
          busy = true;
          tab.events.push(...(await tab.room.receive(tab.inbox.shift()!, this.now)));
        }
      }
    }
  }

  /** The texts a tab has shown, in order. */
  texts(name: string): string[] {
    return this.tab(name).events.flatMap((event) => (event.type === 'message' && event.message.kind === 'text' ? [`${event.from}: ${event.message.text}`] : []));
  }
}
