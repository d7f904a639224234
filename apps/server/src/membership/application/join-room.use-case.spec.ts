import { VAULT_PATTERN } from '@ciphernest/protocol';
import { DEFAULT_ADDRESS, MembershipHarness, username, verifierFor } from '../../testing/membership-harness';
import { type JoinRoomInput } from './join-room.use-case';

function input(name: string, overrides: Partial<JoinRoomInput> = {}): JoinRoomInput {
  return { roomKey: 'lobby', username: username(name), verifier: verifierFor('lobby'), address: DEFAULT_ADDRESS, addressKey: DEFAULT_ADDRESS, ...overrides };
}

describe('JoinRoom', () => {
  it('refuses a room that does not exist with ROOM_NOT_FOUND', async () => {
    const h = new MembershipHarness();

    expect(await h.joinRoom.execute(input('Bob'))).toEqual({ ok: false, code: 'ROOM_NOT_FOUND' });
  });

  it('refuses a wrong verifier with BAD_CREDENTIALS', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');

    expect(await h.joinRoom.execute(input('Bob', { verifier: verifierFor('wrong') }))).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
  });

  it('refuses a wrong verifier with BAD_CREDENTIALS before telling that the username is taken', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');

    expect(await h.joinRoom.execute(input('alice', { verifier: verifierFor('wrong') }))).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
  });

  it('refuses a wrong verifier with BAD_CREDENTIALS before telling that the room is full', async () => {
    const h = new MembershipHarness({ maxMembers: 1 });
    await h.create('Lobby', 'Alice');

    expect(await h.joinRoom.execute(input('Bob', { verifier: verifierFor('wrong') }))).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
  });

  it('refuses a taken username with USERNAME_TAKEN', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');

    expect(await h.joinRoom.execute(input('Bob'))).toEqual({ ok: false, code: 'USERNAME_TAKEN' });
  });

  it('refuses a username that differs from a member only in case with USERNAME_TAKEN', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');

    expect(await h.joinRoom.execute(input('ALICE'))).toEqual({ ok: false, code: 'USERNAME_TAKEN' });
  });

  it('refuses a username that looks like a member\'s (its skeleton) with USERNAME_TAKEN', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'pepe');

    expect(await h.joinRoom.execute(input('\u0440\u0435\u0440\u0435'))).toEqual({ ok: false, code: 'USERNAME_TAKEN' });
    expect(await h.joinRoom.execute(input('a1ice'))).toEqual({ ok: false, code: 'USERNAME_TAKEN' });
  });

  it('admits the same username in another room', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    await h.create('Kitchen', 'Bob');

    expect((await h.joinRoom.execute(input('Alice', { roomKey: 'kitchen', verifier: verifierFor('kitchen') }))).ok).toBe(true);
  });

  it('admits a username again once its session has ended', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    await h.endSession.execute(bob.session.id, 'left');

    expect((await h.joinRoom.execute(input('bob'))).ok).toBe(true);
  });

  it('admits members up to maxMembers', async () => {
    const h = new MembershipHarness({ maxMembers: 3 });
    await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');

    expect((await h.joinRoom.execute(input('Carol'))).ok).toBe(true);
  });

  it('refuses one more member than maxMembers with ROOM_FULL', async () => {
    const h = new MembershipHarness({ maxMembers: 3 });
    await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');
    await h.join('Lobby', 'Carol');

    expect(await h.joinRoom.execute(input('Dave'))).toEqual({ ok: false, code: 'ROOM_FULL' });
    expect(h.storedSessions()).toBe(3);
  });

  it('answers the room, a token and every member with the joiner away', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'alice-socket');
    h.clock.advance(5_000);

    const result = await h.joinRoom.execute(input('Bob'));

    if (!result.ok) throw new Error(result.code);
    expect(result.value.room).toEqual(alice.room);
    expect(result.value.members).toEqual([
      { name: 'Alice', status: 'online', creator: true },
      { name: 'Bob', status: 'away', creator: false },
    ]);
  });

  it("gives the joiner's session a fresh vault of its own, kept with the session", async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');

    const result = await h.joinRoom.execute(input('Bob'));

    if (!result.ok) throw new Error(result.code);
    expect(result.value.vault).toMatch(VAULT_PATTERN);
    expect(result.value.vault).not.toBe(alice.vault);
    expect((await h.sessions.get(result.value.session.id))?.vault).toBe(result.value.vault);
  });

  it('shows the username as typed after trim and NFC', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');

    const result = await h.joinRoom.execute(input('  Cafe\u0301  '));

    if (!result.ok) throw new Error(result.code);
    expect(result.value.members[1]?.name).toBe('Caf\u00e9');
  });

  it('starts a session that is not the creator, bound to the joiner and the address', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    h.clock.advance(42);

    const result = await h.joinRoom.execute(input('Bob', { address: '198.51.100.9' }));

    if (!result.ok) throw new Error(result.code);
    const session = await h.sessions.get(result.value.session.id);
    expect(session?.roomKey).toBe('lobby');
    expect(session?.name).toBe('Bob');
    expect(session?.userKey).toBe('bob');
    expect(session?.creator).toBe(false);
    expect(session?.address).toBe('198.51.100.9');
    expect(session?.createdAt).toBe(h.clock.now());
    expect(session?.status).toBe('away');
    expect(h.tokens.verify(result.value.token)).toEqual({
      sessionId: result.value.session.id,
      roomKey: 'lobby',
      userKey: 'bob',
      address: '198.51.100.9',
    });
  });

  it('tells nobody about the join before the joiner connects', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');

    await h.join('Lobby', 'Bob');

    expect(h.events.log).toEqual([]);
  });

  it('refuses a join into a room deleted meanwhile (race with the last leave)', async () => {
    // A join racing the room's last leave must not leave a session in a deleted room (docs/protocol.md §6):
    // the use cases interleave at every await, which a store doing I/O (Redis) makes real.
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');

    const [ended, joined] = await Promise.all([h.endSession.execute(alice.session.id, 'left'), h.joinRoom.execute(input('Bob'))]);

    const roomExists = (await h.rooms.get('lobby')) !== undefined;
    const bobHasSession = joined.ok && (await h.sessions.get(joined.value.session.id)) !== undefined;
    expect(ended).toBe(true);
    // Either the join lost the race, or it won and the room lives on with Bob in it.
    expect({ roomExists, bobHasSession }).toEqual(joined.ok ? { roomExists: true, bobHasSession: true } : { roomExists: false, bobHasSession: false });
  });

  describe('per address key', () => {
    const from = (address: string, addressKey = address) => ({ address, addressKey });

    it('refuses a session beyond maxSessionsPerAddress for one address key with SESSIONS_PER_ADDRESS, in any room', async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 2 });
      await h.create('Lobby', 'Alice', { address: '198.51.100.4' });
      await h.create('Kitchen', 'Alice', { address: '198.51.100.4' });
      await h.joinRoom.execute(input('Bob', from('2001:db8::1', '2001:db8::/64')));
      await h.joinRoom.execute(input('Bob', { ...from('2001:db8::2', '2001:db8::/64'), roomKey: 'kitchen', verifier: verifierFor('kitchen') }));

      expect(await h.joinRoom.execute(input('Carol', from('2001:db8::3', '2001:db8::/64')))).toEqual({ ok: false, code: 'SESSIONS_PER_ADDRESS' });
      expect(h.storedSessions()).toBe(4);
    });

    it("counts the creator's session toward its address key", async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 1 });
      await h.create('Lobby', 'Alice');

      expect(await h.joinRoom.execute(input('Bob'))).toEqual({ ok: false, code: 'SESSIONS_PER_ADDRESS' });
    });

    it('lets another address key join', async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 1 });
      await h.create('Lobby', 'Alice');

      expect((await h.joinRoom.execute(input('Bob', from('198.51.100.4')))).ok).toBe(true);
    });

    it('refuses a wrong verifier with BAD_CREDENTIALS before SESSIONS_PER_ADDRESS', async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 1 });
      await h.create('Lobby', 'Alice');

      expect(await h.joinRoom.execute(input('Bob', { verifier: verifierFor('wrong') }))).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
    });

    it('refuses with SESSIONS_PER_ADDRESS before USERNAME_TAKEN and ROOM_FULL', async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 1, maxMembers: 1 });
      await h.create('Lobby', 'Alice');

      expect(await h.joinRoom.execute(input('alice'))).toEqual({ ok: false, code: 'SESSIONS_PER_ADDRESS' });
    });

    it('frees the slot once a session has left', async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 2 });
      await h.create('Lobby', 'Alice');
      const bob = await h.join('Lobby', 'Bob');
      await h.endSession.execute(bob.session.id, 'left');

      expect((await h.joinRoom.execute(input('Carol'))).ok).toBe(true);
    });

    it('frees the slot once a session has timed out', async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 2 });
      const alice = await h.create('Lobby', 'Alice');
      await h.connect(alice.session.id, 'alice-socket');
      await h.join('Lobby', 'Bob');
      h.clock.advance(h.graceMs);
      await h.expireAwaySessions.execute();

      expect((await h.joinRoom.execute(input('Carol'))).ok).toBe(true);
    });
  });
});
