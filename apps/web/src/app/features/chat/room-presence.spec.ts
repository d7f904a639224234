import { TestBed } from '@angular/core/testing';

import { ChatLog } from './chat-log';
import { ChatTyping } from './chat-typing';
import { RoomPresence } from './room-presence';
import { ROOM, VAULT } from './testing/chat-fakes';
import { configureChat, linesIn, restoreChatGlobals } from './testing/chat-test-bed';

describe('RoomPresence', () => {
  let presence: RoomPresence;
  const lines = () => linesIn(TestBed.inject(ChatLog).entries());

  beforeEach(() => {
    configureChat();
    presence = TestBed.inject(RoomPresence);
    presence.start(ROOM, 'Bob');
  });

  afterEach(() => restoreChatGlobals());

  it('shows the room the session knows until a presence replaces it, with its members', () => {
    expect(presence.room()).toBe(ROOM);
    const renamed = { ...ROOM, name: 'Blue room' };

    presence.replace({ room: renamed, members: [{ name: 'Alice', status: 'online', creator: true }], vault: VAULT });

    expect(presence.room()).toBe(renamed);
    expect(presence.members()).toEqual([{ name: 'Alice', status: 'online', creator: true }]);
    expect(lines()).toEqual([]);
  });

  it('follows joined, away, back and left with a system line each', () => {
    presence.replace({ room: ROOM, members: [{ name: 'Alice', status: 'online', creator: true }, { name: 'Bob', status: 'online', creator: false }], vault: VAULT });

    presence.follow({ type: 'joined', name: 'Carol', at: 1 });
    expect(presence.members().map((m) => `${m.name}:${m.status}`)).toEqual(['Alice:online', 'Bob:online', 'Carol:online']);
    presence.follow({ type: 'away', name: 'Carol', at: 2 });
    expect(presence.members().find((m) => m.name === 'Carol')?.status).toBe('away');
    presence.follow({ type: 'back', name: 'Carol', at: 3 });
    expect(presence.members().find((m) => m.name === 'Carol')?.status).toBe('online');
    presence.follow({ type: 'left', name: 'Carol', reason: 'left', at: 4 });
    presence.follow({ type: 'left', name: 'Alice', reason: 'timeout', at: 5 });

    expect(presence.members().map((m) => m.name)).toEqual(['Bob']);
    expect(lines()).toEqual(['Carol joined', 'Carol is away', 'Carol is back', 'Carol left', 'Alice timed out']);
  });

  it("marks a member it did not know as the room's creator when the room says so", () => {
    presence.follow({ type: 'back', name: 'Alice', at: 1 });

    expect(presence.members()).toEqual([{ name: 'Alice', status: 'online', creator: true }]);
  });

  it('stops showing a member who left as typing', () => {
    const typing = TestBed.inject(ChatTyping);
    typing.follow({ name: 'Carol', active: true });

    presence.follow({ type: 'left', name: 'Carol', reason: 'left', at: 1 });

    expect(typing.others()).toEqual([]);
  });

  describe('after a reconnect', () => {
    const alice = { name: 'Alice', status: 'online' as const, creator: true };
    const bob = { name: 'Bob', status: 'online' as const, creator: false };
    const carol = { name: 'Carol', status: 'online' as const, creator: false };

    it('says who left and who joined while we were away, and nothing of ourselves', () => {
      presence.replace({ room: ROOM, members: [alice, carol], vault: VAULT });
      TestBed.inject(ChatTyping).follow({ name: 'Carol', active: true });

      presence.replace({ room: ROOM, members: [alice, bob, { name: 'Dan', status: 'away', creator: false }], vault: VAULT });

      expect(lines()).toEqual(['Carol left while you were away', 'Dan joined while you were away']);
      expect(TestBed.inject(ChatTyping).others()).toEqual([]);
    });

    it('says nothing when only statuses changed', () => {
      presence.replace({ room: ROOM, members: [alice, bob], vault: VAULT });
      presence.replace({ room: ROOM, members: [{ ...alice, status: 'away' }, bob], vault: VAULT });

      expect(lines()).toEqual([]);
    });

    it('compares the members kept from before a reload with the presence that came meanwhile', () => {
      presence.replace({ room: ROOM, members: [alice, bob], vault: VAULT });

      presence.recall([alice, bob, carol]);

      expect(lines()).toEqual(['Carol left while you were away']);
    });

    it('shows the members kept from before a reload until a presence comes, and compares it with them', () => {
      presence.recall([alice, bob, carol]);
      expect(presence.members()).toEqual([alice, bob, carol]);

      presence.replace({ room: ROOM, members: [alice, bob], vault: VAULT });

      expect(lines()).toEqual(['Carol left while you were away']);
    });
  });
});
