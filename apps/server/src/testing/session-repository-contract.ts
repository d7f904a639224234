import { Session, type NewSession } from '../membership/domain/session';
import { type SessionRepository } from '../membership/application/ports/session.repository';
import { nameSkeleton } from '../shared/name-skeleton';
import type { AddressQuota } from '../membership/domain/address-quota';

const CREATED_AT = 1_700_000_000_000;
const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

function aSession(id: string, overrides: Partial<NewSession> = {}): Session {
  return Session.start({
    id,
    roomKey: 'lobby',
    name: id,
    userKey: id.toLowerCase(),
    address: '203.0.113.7',
    creator: false,
    createdAt: CREATED_AT,
    vault: VAULT,
    ...overrides,
  });
}

const ids = (sessions: Session[]) => sessions.map((session) => session.id).sort();

/** Spellings of "pepe" that look alike but have keys of their own: Cyrillic, Greek and Cyrillic, mathematical bold. */
const LOOK_ALIKES = ['\u0440\u0435\u0440\u0435', '\u03C1\u0435\u03C1\u0435', '\u{1D429}\u{1D41E}\u{1D429}\u{1D41E}'];

/** The SessionRepository contract; every adapter's spec runs it. */
export function sessionRepositoryContract(makeRepository: () => SessionRepository | Promise<SessionRepository>): void {
  let sessions: SessionRepository;

  beforeEach(async () => {
    sessions = await makeRepository();
  });

  /** Inserts with the skeleton the HTTP layer computes for the username (of its key: names of one key share it). */
  const insert = (session: Session, maxMembers: number, quota?: AddressQuota) => sessions.insert(session, maxMembers, nameSkeleton(session.userKey), quota);

  /** How many sessions the rooms hold in all. */
  const storedIn = async (...roomKeys: string[]) => (await Promise.all(roomKeys.map((key) => sessions.inRoom(key)))).flat().length;

  it('inserts a session and finds it by id', async () => {
    expect(await insert(aSession('Alice'), 10)).toBe('inserted');

    const found = await sessions.get('Alice');
    expect(found?.toMember()).toEqual({ name: 'Alice', status: 'away', creator: false });
    expect(found?.roomKey).toBe('lobby');
  });

  it("keeps each session's vault with it, and forgets it with the session", async () => {
    const otherVault = 'HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4';
    await insert(aSession('Alice'), 10);
    await insert(aSession('Bob', { vault: otherVault }), 10);

    expect((await sessions.get('Alice'))?.vault).toBe(VAULT);
    expect(Object.fromEntries((await sessions.inRoom('lobby')).map((session) => [session.id, session.vault]))).toEqual({ Alice: VAULT, Bob: otherVault });
    await sessions.remove('Alice');
    expect(await sessions.get('Alice')).toBeUndefined();
    expect((await sessions.inRoom('lobby')).map((session) => session.vault)).toEqual([otherVault]);
  });

  it('finds nothing under an unknown id', async () => {
    expect(await sessions.get('nobody')).toBeUndefined();
  });

  it('refuses a username key taken in the room', async () => {
    await insert(aSession('Alice'), 10);

    expect(await insert(aSession('ALICE', { userKey: 'alice' }), 10)).toBe('taken');
    expect(await sessions.get('ALICE')).toBeUndefined();
  });

  it.each(LOOK_ALIKES)('refuses a username that looks like a member\'s (pepe and %s)', async (lookAlike) => {
    await insert(aSession('pepe'), 10);

    expect(await insert(aSession(lookAlike), 10)).toBe('taken');
    expect(await sessions.get(lookAlike)).toBeUndefined();
    expect(ids(await sessions.inRoom('lobby'))).toEqual(['pepe']);
  });

  it('answers taken for a look-alike before full', async () => {
    await insert(aSession('pepe'), 1);

    expect(await insert(aSession(LOOK_ALIKES[0]!), 1)).toBe('taken');
  });

  it('accepts a look-alike username in another room', async () => {
    await insert(aSession('pepe'), 10);

    expect(await insert(aSession(LOOK_ALIKES[0]!, { roomKey: 'kitchen' }), 10)).toBe('inserted');
  });

  it('frees the look-alike form of a removed session', async () => {
    await insert(aSession('pepe'), 10);
    await sessions.remove('pepe');

    expect(await insert(aSession(LOOK_ALIKES[0]!), 10)).toBe('inserted');
    expect(await insert(aSession('pepe'), 10)).toBe('taken');
  });

  it('admits exactly one of many look-alike usernames inserted at once', async () => {
    const insertions = await Promise.all(['pepe', ...LOOK_ALIKES].map((name) => insert(aSession(name), 10)));

    expect(insertions.filter((insertion) => insertion === 'inserted')).toHaveLength(1);
    expect(await sessions.inRoom('lobby')).toHaveLength(1);
  });

  it('accepts the same username key in another room', async () => {
    await insert(aSession('Alice'), 10);

    expect(await insert(aSession('Alice-2', { userKey: 'alice', roomKey: 'kitchen' }), 10)).toBe('inserted');
  });

  it('inserts up to maxMembers sessions in a room', async () => {
    await insert(aSession('Alice'), 2);

    expect(await insert(aSession('Bob'), 2)).toBe('inserted');
  });

  it('refuses a session beyond maxMembers as full', async () => {
    await insert(aSession('Alice'), 2);
    await insert(aSession('Bob'), 2);

    expect(await insert(aSession('Carol'), 2)).toBe('full');
    expect(await sessions.get('Carol')).toBeUndefined();
    expect(await storedIn('lobby')).toBe(2);
  });

  it('counts maxMembers per room', async () => {
    await insert(aSession('Alice'), 1);

    expect(await insert(aSession('Bob', { roomKey: 'kitchen' }), 1)).toBe('inserted');
  });

  it('lists the sessions of a room', async () => {
    await insert(aSession('Alice'), 10);
    await insert(aSession('Bob'), 10);
    await insert(aSession('Carol', { roomKey: 'kitchen' }), 10);

    expect(ids(await sessions.inRoom('lobby'))).toEqual(['Alice', 'Bob']);
    expect(ids(await sessions.inRoom('nowhere'))).toEqual([]);
  });

  it('removes a session and answers how many are left in its room', async () => {
    await insert(aSession('Alice'), 10);
    await insert(aSession('Bob'), 10);

    expect(await sessions.remove('Alice')).toBe(1);
    expect(await sessions.remove('Bob')).toBe(0);
    expect(await sessions.get('Alice')).toBeUndefined();
  });

  it('answers undefined when removing a session that is not there', async () => {
    await insert(aSession('Alice'), 10);
    await sessions.remove('Alice');

    expect(await sessions.remove('Alice')).toBeUndefined();
  });

  it('frees the username key of a removed session', async () => {
    await insert(aSession('Alice'), 10);
    await sessions.remove('Alice');

    expect(await insert(aSession('Alice-2', { userKey: 'alice' }), 10)).toBe('inserted');
  });

  it('lists sessions away for at least the grace, never-connected ones included', async () => {
    await insert(aSession('Alice'), 10);
    await insert(aSession('Bob', { createdAt: CREATED_AT + 1 }), 10);

    expect(ids(await sessions.outstayed(CREATED_AT + 10_000, 10_000))).toEqual(['Alice']);
  });

  it('keeps a saved online session out of the outstayed ones', async () => {
    const alice = aSession('Alice');
    await insert(alice, 10);
    alice.attach('socket-1');
    await sessions.save(alice);

    expect(ids(await sessions.outstayed(CREATED_AT + 100_000, 10_000))).toEqual([]);
    expect((await sessions.get('Alice'))?.socketId).toBe('socket-1');
  });

  it('lists a saved session again once it went away and stayed away', async () => {
    const alice = aSession('Alice');
    await insert(alice, 10);
    alice.attach('socket-1');
    await sessions.save(alice);
    alice.detach('socket-1', CREATED_AT + 50_000);
    await sessions.save(alice);

    expect(ids(await sessions.outstayed(CREATED_AT + 59_999, 10_000))).toEqual([]);
    expect(ids(await sessions.outstayed(CREATED_AT + 60_000, 10_000))).toEqual(['Alice']);
  });

  it('lists no removed session as outstayed', async () => {
    await insert(aSession('Alice'), 10);
    await sessions.remove('Alice');

    expect(ids(await sessions.outstayed(CREATED_AT + 100_000, 10_000))).toEqual([]);
  });

  it('restores every field of a session it holds', async () => {
    const alice = aSession('Alice', { creator: true, address: '198.51.100.4' });
    await insert(alice, 10);
    alice.attach('socket-1');
    await sessions.save(alice);

    expect((await sessions.get('Alice'))?.snapshot()).toEqual(alice.snapshot());
  });

  it("advances a session's receipt only upward, only through the socket it holds, and answers its name", async () => {
    const alice = aSession('Alice');
    await insert(alice, 10);
    alice.attach('socket-1');
    await sessions.save(alice);

    expect(await sessions.advanceReceipt('Alice', 'lobby', 'socket-1', 3)).toBe('Alice');
    expect(await sessions.advanceReceipt('Alice', 'lobby', 'socket-1', 3)).toBeUndefined();
    expect(await sessions.advanceReceipt('Alice', 'lobby', 'socket-1', 2)).toBeUndefined();
    expect(await sessions.advanceReceipt('Alice', 'lobby', 'socket-2', 9)).toBeUndefined();
    expect(await sessions.advanceReceipt('Alice', 'hall', 'socket-1', 9)).toBeUndefined();
    expect(await sessions.advanceReceipt('Nobody', 'lobby', 'socket-1', 9)).toBeUndefined();
    expect(await sessions.advanceReceipt('Alice', 'lobby', 'socket-1', 4)).toBe('Alice');
    expect((await sessions.get('Alice'))?.snapshot().lastReceipt).toBe(4);
  });

  it('saves a copy it handed out, and again after that save', async () => {
    await insert(aSession('Alice'), 10);
    const copy = await sessions.get('Alice');
    copy!.attach('socket-1');

    expect(await sessions.save(copy!)).toBe(true);
    copy!.detach('socket-1', CREATED_AT + 5);
    expect(await sessions.save(copy!)).toBe(true);
    expect((await sessions.get('Alice'))?.snapshot().awayFrom).toBe(CREATED_AT + 5);
  });

  it('refuses to save a session that was removed, without bringing it back', async () => {
    const alice = aSession('Alice');
    await insert(alice, 10);
    await sessions.remove('Alice');
    alice.attach('socket-1');

    expect(await sessions.save(alice)).toBe(false);
    expect(await sessions.get('Alice')).toBeUndefined();
    expect(await storedIn('lobby')).toBe(0);
  });

  it('removes a session that outstayed its grace when removal requires it', async () => {
    await insert(aSession('Alice'), 10);

    expect(await sessions.remove('Alice', { now: CREATED_AT + 10_000, graceMs: 10_000 })).toBe(0);
  });

  it('keeps a session still within its grace when removal requires it outstayed', async () => {
    await insert(aSession('Alice'), 10);

    expect(await sessions.remove('Alice', { now: CREATED_AT + 9_999, graceMs: 10_000 })).toBeUndefined();
    expect(await sessions.get('Alice')).toBeDefined();
  });

  it('keeps a session that came back when removal requires it outstayed', async () => {
    const alice = aSession('Alice');
    await insert(alice, 10);
    alice.attach('socket-1');
    await sessions.save(alice);

    expect(await sessions.remove('Alice', { now: CREATED_AT + 100_000, graceMs: 10_000 })).toBeUndefined();
    expect((await sessions.get('Alice'))?.status).toBe('online');
  });

  it('releases no session while the processes holding their sockets live', async () => {
    const alice = aSession('Alice');
    await insert(alice, 10);
    alice.attach('socket-1');
    await sessions.save(alice);

    expect(await sessions.releaseOrphans(CREATED_AT + 100_000)).toEqual([]);
    expect((await sessions.get('Alice'))?.status).toBe('online');
  });

  describe('sessions per address key', () => {
    const to = (key: string, max = 2) => ({ key, max });

    it('inserts up to quota.max sessions for one address key, across rooms', async () => {
      await insert(aSession('Alice'), 10, to('2001:db8::/64'));

      expect(await insert(aSession('Bob', { roomKey: 'kitchen' }), 10, to('2001:db8::/64'))).toBe('inserted');
    });

    it('refuses a session beyond quota.max for that key as address-full, without storing it', async () => {
      await insert(aSession('Alice'), 10, to('2001:db8::/64'));
      await insert(aSession('Bob', { roomKey: 'kitchen' }), 10, to('2001:db8::/64'));

      expect(await insert(aSession('Carol'), 10, to('2001:db8::/64'))).toBe('address-full');
      expect(await sessions.get('Carol')).toBeUndefined();
      expect(await storedIn('lobby', 'kitchen')).toBe(2);
    });

    it('counts each address key on its own', async () => {
      await insert(aSession('Alice'), 10, to('2001:db8::/64', 1));

      expect(await insert(aSession('Bob'), 10, to('2001:db8:0:1::/64', 1))).toBe('inserted');
    });

    it('checks the address key before the username and maxMembers', async () => {
      await insert(aSession('Alice'), 1, to('198.51.100.4', 1));

      expect(await insert(aSession('ALICE', { userKey: 'alice' }), 1, to('198.51.100.4', 1))).toBe('address-full');
    });

    it('counts neither a refused session nor one inserted without a quota', async () => {
      await insert(aSession('Alice'), 10);
      expect(await insert(aSession('ALICE', { userKey: 'alice' }), 10, to('198.51.100.4', 1))).toBe('taken');

      expect(await insert(aSession('Bob'), 10, to('198.51.100.4', 1))).toBe('inserted');
    });

    it('gives the slot back when a session is removed', async () => {
      await insert(aSession('Alice'), 10, to('2001:db8::/64', 1));
      await sessions.remove('Alice');

      expect(await insert(aSession('Bob'), 10, to('2001:db8::/64', 1))).toBe('inserted');
      expect(await insert(aSession('Carol'), 10, to('2001:db8::/64', 1))).toBe('address-full');
    });

    it('gives the slot back when a session that outstayed its grace is removed', async () => {
      await insert(aSession('Alice'), 10, to('2001:db8::/64', 1));
      await sessions.remove('Alice', { now: CREATED_AT + 10_000, graceMs: 10_000 });

      expect(await insert(aSession('Bob'), 10, to('2001:db8::/64', 1))).toBe('inserted');
    });

    it('keeps the slot of a session that a conditional removal kept', async () => {
      await insert(aSession('Alice'), 10, to('2001:db8::/64', 1));
      await sessions.remove('Alice', { now: CREATED_AT + 9_999, graceMs: 10_000 });

      expect(await insert(aSession('Bob'), 10, to('2001:db8::/64', 1))).toBe('address-full');
    });

    it('keeps counting a session whose socket came and went', async () => {
      const alice = aSession('Alice');
      await insert(alice, 10, to('2001:db8::/64', 1));
      alice.attach('socket-1');
      await sessions.save(alice);
      alice.detach('socket-1', CREATED_AT + 5);
      await sessions.save(alice);

      expect(await insert(aSession('Bob'), 10, to('2001:db8::/64', 1))).toBe('address-full');
    });

    it('admits exactly quota.max of many sessions inserted at once for one key', async () => {
      const many = Array.from({ length: 20 }, (_, n) => aSession(`Member${n}`, { roomKey: `room-${n % 3}` }));

      const insertions = await Promise.all(many.map((session) => insert(session, 100, to('2001:db8::/64', 5))));

      expect(insertions.filter((insertion) => insertion === 'inserted')).toHaveLength(5);
      expect(await storedIn('room-0', 'room-1', 'room-2')).toBe(5);
    });
  });

  it('admits exactly maxMembers of many sessions inserted at once', async () => {
    const many = Array.from({ length: 20 }, (_, n) => aSession(`Member${n}`));

    const insertions = await Promise.all(many.map((session) => insert(session, 5)));

    expect(insertions.filter((insertion) => insertion === 'inserted')).toHaveLength(5);
    expect(await sessions.inRoom('lobby')).toHaveLength(5);
  });
}
