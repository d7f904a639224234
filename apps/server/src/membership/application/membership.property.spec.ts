import fc from 'fast-check';
import { checkRoomName, checkUsername, type MemberEventType } from '@ciphernest/protocol';
import type { EndedSession, MembershipChange } from './ports/room-events';
import { nameSkeleton } from '../../shared/name-skeleton';
import { aKdf, DEFAULT_ADDRESS, MembershipHarness, verifierFor } from '../../testing/membership-harness';
import type { IssuedSession } from './issue-session';

// The membership state machine of docs/protocol.md §5-6, driven through the use cases with random
// sequences of create, join, connect, disconnect, replace, leave, relay, clock steps and expiry,
// against a model of what the protocol says must happen. After every step the repositories
// must agree with the model, and every event emitted must be the one the model predicts.

const GRACE_MS = 1_000;
const MAX_ROOMS = 2;
const MAX_MEMBERS = 3;
const OTHER_ADDRESS = '198.51.100.9';

/** Spellings that share keys (case, surrounding spaces, NFC and NFD) or skeletons (Cyrillic орѕ and ԁаѵе look like ops and dave). */
const ROOM_NAMES = ['Lobby', 'lobby', ' LOBBY ', 'Café', 'Cafe\u0301', 'Ops', '\u043E\u0440\u0455'];
const USERNAMES = ['alice', 'Alice', ' ALICE', 'Zoë', 'Zoe\u0308', 'bob', 'carol', 'dave', '\u0501\u0430\u0475\u0435'];
const MESSAGE_IDS = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc', 'dddddddddddddddd'];

type Action =
  | { kind: 'create'; room: number; user: number; password: number }
  | { kind: 'join'; room: number; user: number; password: number }
  | { kind: 'connect'; session: number }
  | { kind: 'disconnect'; session: number; stale: boolean }
  | { kind: 'leave'; session: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'expire' }
  | { kind: 'relay'; session: number; id: number; stale: boolean }
  | { kind: 'authenticate'; session: number; elsewhere: boolean };

const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), room: fc.nat(ROOM_NAMES.length - 1), user: fc.nat(USERNAMES.length - 1), password: fc.nat(1) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('join' as const), room: fc.nat(ROOM_NAMES.length - 1), user: fc.nat(USERNAMES.length - 1), password: fc.nat(1) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('connect' as const), session: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('disconnect' as const), session: fc.nat(), stale: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('leave' as const), session: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 1, max: GRACE_MS * 2 }), fc.constantFrom(GRACE_MS - 1, GRACE_MS, 1)) }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('relay' as const), session: fc.nat(), id: fc.nat(MESSAGE_IDS.length - 1), stale: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('authenticate' as const), session: fc.nat(), elsewhere: fc.boolean() }), weight: 1 },
);

interface ModelRoom {
  key: string;
  skeleton: string;
  name: string;
  password: number;
  seq: number;
  stamps: Map<string, { seq: number; ts: number }>;
}

interface ModelSession {
  issued: IssuedSession;
  id: string;
  roomKey: string;
  name: string;
  userKey: string;
  skeleton: string;
  socket: string | undefined;
  formerSockets: string[];
  connectedOnce: boolean;
  awaySince: number;
  ended: boolean;
}

type Emitted =
  | { kind: 'member'; change: MembershipChange }
  | { kind: 'ended'; ended: EndedSession }
  | { kind: 'deleted'; roomKey: string; room: string };

/** What one run has seen: the harness with a spy on its events, and the model. */
class Run {
  readonly h = new MembershipHarness({ graceMs: GRACE_MS, maxRooms: MAX_ROOMS, maxMembers: MAX_MEMBERS });
  readonly emitted: Emitted[] = [];
  readonly rooms = new Map<string, ModelRoom>();
  readonly sessions: ModelSession[] = [];
  private sockets = 0;

  constructor() {
    const events = this.h.events;
    const memberChanged = events.memberChanged.bind(events);
    const sessionEnded = events.sessionEnded.bind(events);
    const roomDeleted = events.roomDeleted.bind(events);
    events.memberChanged = (change) => {
      this.emitted.push({ kind: 'member', change: { ...change } });
      memberChanged(change);
    };
    events.sessionEnded = (ended) => {
      this.emitted.push({ kind: 'ended', ended: { ...ended } });
      sessionEnded(ended);
    };
    events.roomDeleted = (roomKey, room) => {
      this.emitted.push({ kind: 'deleted', roomKey, room });
      roomDeleted(roomKey, room);
    };
  }

  newSocket(): string {
    this.sockets += 1;
    return `socket-${this.sockets}`;
  }

  live(): ModelSession[] {
    return this.sessions.filter((session) => !session.ended);
  }

  pick(index: number): ModelSession | undefined {
    return this.sessions.length === 0 ? undefined : this.sessions[index % this.sessions.length];
  }

  /** The events an ended session causes, in the order EndSession emits them. */
  endingEvents(session: ModelSession, reason: 'left' | 'timeout', now: number): Emitted[] {
    const room = this.rooms.get(session.roomKey)!;
    const out: Emitted[] = [
      { kind: 'ended', ended: { roomKey: session.roomKey, room: room.name, sessionId: session.id, name: session.name, reason } },
      { kind: 'member', change: { roomKey: session.roomKey, sessionId: session.id, type: 'left', name: session.name, reason, at: now } },
    ];
    session.ended = true;
    session.socket = undefined;
    if (!this.live().some((other) => other.roomKey === session.roomKey)) {
      out.push({ kind: 'deleted', roomKey: room.key, room: room.name });
      this.rooms.delete(room.key);
    }
    return out;
  }
}

function key(raw: string, check: typeof checkRoomName): { name: string; key: string; skeleton: string } {
  const result = check(raw);
  if (!result.ok) throw new Error(`pool name ${raw} is not valid`);
  return { name: result.name, key: result.key, skeleton: nameSkeleton(result.name) };
}

/** Runs one action on the harness and on the model; returns the events the model predicts. */
async function step(run: Run, act: Action): Promise<Emitted[]> {
  const { h } = run;
  const now = h.clock.now();
  switch (act.kind) {
    case 'create': {
      const room = key(ROOM_NAMES[act.room]!, checkRoomName);
      const user = key(USERNAMES[act.user]!, checkUsername);
      const result = await h.createRoom.execute({ room, username: user, verifier: verifierFor(`pw${act.password}`), kdf: aKdf(), address: DEFAULT_ADDRESS, addressKey: DEFAULT_ADDRESS });
      const taken = [...run.rooms.values()].some((other) => other.skeleton === room.skeleton);
      const expected = taken ? 'ROOM_EXISTS' : run.rooms.size >= MAX_ROOMS ? 'CAPACITY' : 'ok';
      expect(result.ok ? 'ok' : result.code).toBe(expected);
      if (!result.ok) return [];
      run.rooms.set(room.key, { key: room.key, skeleton: room.skeleton, name: room.name, password: act.password, seq: 0, stamps: new Map() });
      run.sessions.push(newModelSession(result.value, room.key, user, now));
      expect(result.value.room.name).toBe(room.name);
      expect(result.value.room.creator).toBe(user.name);
      expect(result.value.members).toEqual([{ name: user.name, status: 'away', creator: true }]);
      return [];
    }
    case 'join': {
      const room = key(ROOM_NAMES[act.room]!, checkRoomName);
      const user = key(USERNAMES[act.user]!, checkUsername);
      const result = await h.joinRoom.execute({ roomKey: room.key, username: user, verifier: verifierFor(`pw${act.password}`), address: DEFAULT_ADDRESS, addressKey: DEFAULT_ADDRESS });
      const modelRoom = run.rooms.get(room.key);
      const members = run.live().filter((session) => session.roomKey === room.key);
      const expected = !modelRoom
        ? 'ROOM_NOT_FOUND'
        : modelRoom.password !== act.password
          ? 'BAD_CREDENTIALS'
          : members.some((session) => session.skeleton === user.skeleton)
            ? 'USERNAME_TAKEN'
            : members.length >= MAX_MEMBERS
              ? 'ROOM_FULL'
              : 'ok';
      expect(result.ok ? 'ok' : result.code).toBe(expected);
      if (!result.ok) return [];
      const joined = newModelSession(result.value, room.key, user, now);
      run.sessions.push(joined);
      const listed = [...members, joined].map((session) => ({ name: session.name, status: session.socket ? 'online' : 'away', creator: session.issued.session.creator }));
      expect(sortByName(result.value.members)).toEqual(sortByName(listed));
      expect(result.value.room.name).toBe(modelRoom!.name);
      return [];
    }
    case 'connect': {
      const session = run.pick(act.session);
      if (!session) return [];
      const socket = run.newSocket();
      const result = await h.connectSession.execute(session.id, socket);
      if (session.ended) {
        expect(result).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
        return [];
      }
      if (!result.ok) throw new Error(`connect refused a live session: ${result.code}`);
      const previous = session.socket;
      const arrival = previous !== undefined ? { kind: 'replaced', previousSocketId: previous } : { kind: session.connectedOnce ? 'back' : 'joined' };
      expect(result.value.arrival).toEqual(arrival);
      if (previous !== undefined) session.formerSockets.push(previous);
      session.socket = socket;
      session.connectedOnce = true;
      const members = run.live().filter((other) => other.roomKey === session.roomKey);
      expect(sortByName(result.value.members)).toEqual(
        sortByName(members.map((other) => ({ name: other.name, status: other.socket ? 'online' : 'away', creator: other.issued.session.creator }))),
      );
      if (arrival.kind === 'replaced') return [];
      return [{ kind: 'member', change: { roomKey: session.roomKey, sessionId: session.id, type: arrival.kind as MemberEventType, name: session.name, at: now } }];
    }
    case 'disconnect': {
      const session = run.pick(act.session);
      if (!session) return [];
      const socket = act.stale ? (session.formerSockets.at(-1) ?? run.newSocket()) : (session.socket ?? run.newSocket());
      await h.disconnectSocket.execute(session.id, socket);
      if (session.ended || socket !== session.socket) return [];
      session.formerSockets.push(socket);
      session.socket = undefined;
      session.awaySince = now;
      return [{ kind: 'member', change: { roomKey: session.roomKey, sessionId: session.id, type: 'away', name: session.name, at: now } }];
    }
    case 'leave': {
      const session = run.pick(act.session);
      if (!session) return [];
      const ended = await h.endSession.execute(session.id, 'left');
      expect(ended).toBe(!session.ended);
      return session.ended || !ended ? [] : run.endingEvents(session, 'left', now);
    }
    case 'advance':
      h.clock.advance(act.ms);
      return [];
    case 'expire': {
      const due = run.live().filter((session) => session.socket === undefined && now - session.awaySince >= GRACE_MS);
      expect(await h.expireAwaySessions.execute()).toBe(due.length);
      const expected: Emitted[] = [];
      for (const session of due) expected.push(...run.endingEvents(session, 'timeout', now));
      return expected;
    }
    case 'relay': {
      const session = run.pick(act.session);
      if (!session) return [];
      const socket = act.stale ? (session.formerSockets.at(-1) ?? 'never-attached') : (session.socket ?? 'never-attached');
      const id = MESSAGE_IDS[act.id]!;
      const box = Buffer.alloc(40);
      const relayedBefore = h.sockets.relayed.length;
      const result = await h.relayMessage.execute({ sessionId: session.id, roomKey: session.roomKey, senderSocketId: socket, id, box });
      if (session.ended || socket !== session.socket) {
        expect(result).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
        expect(h.sockets.relayed).toHaveLength(relayedBefore);
        return [];
      }
      const room = run.rooms.get(session.roomKey)!;
      const known = room.stamps.get(id);
      if (known) {
        expect(result).toEqual({ ok: true, value: { seq: known.seq, ts: known.ts, fresh: false } });
        expect(h.sockets.relayed).toHaveLength(relayedBefore);
      } else {
        room.seq += 1;
        room.stamps.set(id, { seq: room.seq, ts: now });
        expect(result).toEqual({ ok: true, value: { seq: room.seq, ts: now, fresh: true } });
        expect(h.sockets.relayed.slice(relayedBefore)).toEqual([
          { roomKey: room.key, senderSocketId: socket, message: { id, from: session.name, ts: now, seq: room.seq, box } },
        ]);
      }
      return [];
    }
    case 'authenticate': {
      const session = run.pick(act.session);
      if (!session) return [];
      const result = await h.authenticate.execute(session.issued.token, act.elsewhere ? OTHER_ADDRESS : DEFAULT_ADDRESS);
      if (act.elsewhere) expect(result).toEqual({ ok: false, code: 'IP_MISMATCH' });
      else if (session.ended) expect(result).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
      else expect(result.ok && result.value.id).toBe(session.id);
      return [];
    }
  }
}

function newModelSession(issued: IssuedSession, roomKey: string, user: { name: string; key: string; skeleton: string }, now: number): ModelSession {
  return {
    issued,
    id: issued.session.id,
    roomKey,
    name: user.name,
    userKey: user.key,
    skeleton: user.skeleton,
    socket: undefined,
    formerSockets: [],
    connectedOnce: false,
    awaySince: now,
    ended: false,
  };
}

function sortByName<T extends { name: string }>(members: T[]): T[] {
  return [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The repositories agree with the model: rooms exist iff they have sessions, names unique (and unlike), one socket each, nobody overstays. */
async function expectRepositoriesMatch(run: Run, justExpired: boolean): Promise<void> {
  const { h } = run;
  const live = run.live();
  const rooms = await h.rooms.list();
  const roomKeys = rooms.map((room) => room.key).sort();
  expect(new Set(rooms.map((room) => nameSkeleton(room.name))).size).toBe(rooms.length);
  expect(roomKeys).toEqual([...new Set(live.map((session) => session.roomKey))].sort());
  expect(roomKeys).toEqual([...run.rooms.keys()].sort());
  expect(h.storedSessions()).toBe(live.length);
  for (const roomKey of roomKeys) {
    const inRoom = await h.sessions.inRoom(roomKey);
    const skeletons = inRoom.map((session) => nameSkeleton(session.name));
    expect(new Set(skeletons).size).toBe(skeletons.length);
    expect(inRoom.length).toBeLessThanOrEqual(MAX_MEMBERS);
    expect(inRoom.map((session) => session.id).sort()).toEqual(live.filter((session) => session.roomKey === roomKey).map((session) => session.id).sort());
  }
  for (const session of run.sessions) {
    const stored = await h.sessions.get(session.id);
    if (session.ended) {
      expect(stored).toBeUndefined();
      continue;
    }
    expect(stored?.socketId).toBe(session.socket);
    expect(stored?.status).toBe(session.socket ? 'online' : 'away');
    if (justExpired && stored?.status === 'away') expect(h.clock.now() - session.awaySince).toBeLessThan(GRACE_MS);
  }
}

/** Over the whole run: each session's events follow joined, (away, back)*, left; left and ended once each; one deletion per emptied room. */
function expectEventHistoryConsistent(run: Run): void {
  const states = new Map<string, 'new' | 'online' | 'away' | 'gone'>();
  const endedOnce = new Set<string>();
  for (const event of run.emitted) {
    if (event.kind === 'ended') {
      expect(endedOnce.has(event.ended.sessionId)).toBe(false);
      endedOnce.add(event.ended.sessionId);
      continue;
    }
    if (event.kind === 'deleted') continue;
    const { sessionId, type } = event.change;
    const state = states.get(sessionId) ?? 'new';
    const allowed: Record<typeof state, MemberEventType[]> = { new: ['joined', 'left'], online: ['away', 'left'], away: ['back', 'left'], gone: [] };
    expect({ sessionId, state, type, allowed: allowed[state].includes(type) }).toEqual({ sessionId, state, type, allowed: true });
    states.set(sessionId, type === 'left' ? 'gone' : type === 'away' ? 'away' : 'online');
  }
  const gone = [...states].filter(([, state]) => state === 'gone').map(([id]) => id).sort();
  expect([...endedOnce].sort()).toEqual(gone);
  expect(gone).toEqual(run.sessions.filter((session) => session.ended).map((session) => session.id).sort());
}

describe('Membership state machine (docs/protocol.md §5-6)', () => {
  it('keeps the repositories, the results and the events in line with the protocol for any sequence of actions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 80 }), async (actions) => {
        const run = new Run();
        for (const act of actions) {
          const before = run.emitted.length;
          const expected = await step(run, act);
          const emitted = run.emitted.slice(before);
          if (act.kind === 'expire') {
            // Sessions expire concurrently: compare per session, and each deletion after its room's last `left`.
            expect(sortEmitted(emitted)).toEqual(sortEmitted(expected));
            for (const [index, event] of emitted.entries()) {
              if (event.kind !== 'deleted') continue;
              const later = emitted.slice(index + 1).filter((other) => other.kind === 'member' && other.change.roomKey === event.roomKey);
              expect(later).toEqual([]);
            }
          } else {
            expect(emitted).toEqual(expected);
          }
          await expectRepositoriesMatch(run, act.kind === 'expire');
        }
        expectEventHistoryConsistent(run);
      }),
      { numRuns: 400 },
    );
  });
});

function sortEmitted(events: Emitted[]): string[] {
  return events.map((event) => JSON.stringify(event)).sort();
}
