import { VAULT_PATTERN } from '@ciphernest/protocol';
import { aKdf, DEFAULT_ADDRESS, MembershipHarness, roomName, username, verifierFor } from '../../testing/membership-harness';
import { type CreateRoomInput } from './create-room.use-case';

function input(room: string, creator = 'Alice', overrides: Partial<CreateRoomInput> = {}): CreateRoomInput {
  return {
    room: roomName(room),
    username: username(creator),
    verifier: verifierFor(room),
    kdf: aKdf(),
    address: DEFAULT_ADDRESS,
    addressKey: DEFAULT_ADDRESS,
    ...overrides,
  };
}

describe('CreateRoom', () => {
  it('creates a room and answers with a token, the room and its creator as the only member', async () => {
    const h = new MembershipHarness();

    const result = await h.createRoom.execute(input('Lobby'));

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(typeof result.value.token).toBe('string');
    expect(result.value.room).toEqual({ name: 'Lobby', creator: 'Alice', createdAt: new Date(h.clock.now()).toISOString(), kdf: aKdf() });
    expect(result.value.members).toEqual([{ name: 'Alice', status: 'away', creator: true }]);
  });

  it('answers exactly the token, the vault, the room, the members and the creator session', async () => {
    const h = new MembershipHarness();

    const result = await h.createRoom.execute(input('Lobby'));

    expect(result.ok && Object.keys(result.value).sort()).toEqual(['members', 'room', 'session', 'token', 'vault']);
  });

  it("gives the creator session a fresh vault of its own, kept with the session", async () => {
    const h = new MembershipHarness();

    const first = await h.createRoom.execute(input('Lobby'));
    const second = await h.createRoom.execute(input('Kitchen'));

    if (!first.ok || !second.ok) throw new Error('not created');
    expect(first.value.vault).toMatch(VAULT_PATTERN);
    expect(first.value.vault).not.toBe(second.value.vault);
    expect((await h.sessions.get(first.value.session.id))?.vault).toBe(first.value.vault);
  });

  it('stores the room under its key with its creator and address', async () => {
    const h = new MembershipHarness();

    await h.createRoom.execute(input('  Lobby  ', 'Alice', { address: '198.51.100.4' }));

    const room = await h.rooms.get('lobby');
    expect(room?.name).toBe('Lobby');
    expect(room?.creator).toBe('Alice');
    expect(room?.creatorAddress).toBe('198.51.100.4');
    expect(room?.createdAt).toBe(h.clock.now());
    expect(room?.admits(verifierFor('  Lobby  '))).toBe(true);
  });

  it('starts the creator session: creator, away, in the room, bound to the address', async () => {
    const h = new MembershipHarness();

    const result = await h.createRoom.execute(input('Lobby', 'Alice', { address: '198.51.100.4' }));

    if (!result.ok) throw new Error(result.code);
    const session = await h.sessions.get(result.value.session.id);
    expect(session).toBe(result.value.session);
    expect(session?.roomKey).toBe('lobby');
    expect(session?.name).toBe('Alice');
    expect(session?.userKey).toBe('alice');
    expect(session?.address).toBe('198.51.100.4');
    expect(session?.creator).toBe(true);
    expect(session?.createdAt).toBe(h.clock.now());
    expect(session?.status).toBe('away');
    expect(session?.socketId).toBeUndefined();
  });

  it('issues a token for the creator session and address', async () => {
    const h = new MembershipHarness();

    const result = await h.createRoom.execute(input('Lobby', 'Alice', { address: '198.51.100.4' }));

    if (!result.ok) throw new Error(result.code);
    expect(h.tokens.verify(result.value.token)).toEqual({
      sessionId: result.value.session.id,
      roomKey: 'lobby',
      userKey: 'alice',
      address: '198.51.100.4',
    });
  });

  it('refuses a name that is taken with ROOM_EXISTS', async () => {
    const h = new MembershipHarness();
    await h.createRoom.execute(input('Lobby'));

    expect(await h.createRoom.execute(input('Lobby', 'Bob'))).toEqual({ ok: false, code: 'ROOM_EXISTS' });
  });

  it('refuses another spelling of the same key with ROOM_EXISTS', async () => {
    const h = new MembershipHarness();
    await h.createRoom.execute(input('Lobby'));

    expect(await h.createRoom.execute(input('LOBBY', 'Bob'))).toEqual({ ok: false, code: 'ROOM_EXISTS' });
  });

  it('refuses a name that looks like a live room\'s (its skeleton) with ROOM_EXISTS, creating nothing', async () => {
    const h = new MembershipHarness();
    await h.createRoom.execute(input('Coco'));

    expect(await h.createRoom.execute(input('\u0421\u043E\u0441\u043E', 'Bob'))).toEqual({ ok: false, code: 'ROOM_EXISTS' });
    expect(await h.rooms.get('\u0441\u043E\u0441\u043E')).toBeUndefined();
    expect(h.storedSessions()).toBe(1);
  });

  it('leaves the existing room untouched when refusing a taken name', async () => {
    const h = new MembershipHarness();
    await h.createRoom.execute(input('Lobby'));

    await h.createRoom.execute(input('lobby', 'Mallory', { verifier: verifierFor('mallory') }));

    const room = await h.rooms.get('lobby');
    expect(room?.creator).toBe('Alice');
    expect(room?.admits(verifierFor('Lobby'))).toBe(true);
    expect(room?.admits(verifierFor('mallory'))).toBe(false);
    expect((await h.sessions.inRoom('lobby')).map((session) => session.name)).toEqual(['Alice']);
  });

  it('creates rooms up to maxRooms', async () => {
    const h = new MembershipHarness({ maxRooms: 2 });
    await h.createRoom.execute(input('One'));

    expect((await h.createRoom.execute(input('Two'))).ok).toBe(true);
  });

  it('refuses one more room than maxRooms with CAPACITY', async () => {
    const h = new MembershipHarness({ maxRooms: 2 });
    await h.createRoom.execute(input('One'));
    await h.createRoom.execute(input('Two'));

    expect(await h.createRoom.execute(input('Three'))).toEqual({ ok: false, code: 'CAPACITY' });
    expect(await h.rooms.get('three')).toBeUndefined();
    expect(h.storedSessions()).toBe(2);
  });

  it('creates again once a room has gone at capacity', async () => {
    const h = new MembershipHarness({ maxRooms: 1 });
    const one = await h.create('One', 'Alice');
    await h.endSession.execute(one.session.id, 'left');

    expect((await h.createRoom.execute(input('Two'))).ok).toBe(true);
  });

  it('gives every session its own id', async () => {
    const h = new MembershipHarness();

    const one = await h.create('One', 'Alice');
    const two = await h.create('Two', 'Alice');

    expect(one.session.id).not.toBe(two.session.id);
  });

  it('sends no membership events', async () => {
    const h = new MembershipHarness();

    await h.create('Lobby', 'Alice');

    expect(h.events.log).toEqual([]);
  });

  describe('per address key', () => {
    const from = (address: string, addressKey = address) => ({ address, addressKey });

    it('refuses a room beyond maxRoomsPerAddress from one address key with ROOMS_PER_ADDRESS, storing nothing', async () => {
      const h = new MembershipHarness({ maxRoomsPerAddress: 2 });
      await h.createRoom.execute(input('One', 'Alice', from('2001:db8::1', '2001:db8::/64')));
      await h.createRoom.execute(input('Two', 'Alice', from('2001:db8::2', '2001:db8::/64')));

      expect(await h.createRoom.execute(input('Three', 'Alice', from('2001:db8::3', '2001:db8::/64')))).toEqual({ ok: false, code: 'ROOMS_PER_ADDRESS' });
      expect(await h.rooms.get('three')).toBeUndefined();
      expect(h.storedSessions()).toBe(2);
    });

    it('lets another address key create', async () => {
      const h = new MembershipHarness({ maxRoomsPerAddress: 1 });
      await h.createRoom.execute(input('One', 'Alice', from('2001:db8::1', '2001:db8::/64')));

      expect((await h.createRoom.execute(input('Two', 'Alice', from('2001:db8:0:1::1', '2001:db8:0:1::/64')))).ok).toBe(true);
    });

    it('checks ROOMS_PER_ADDRESS before ROOM_EXISTS', async () => {
      const h = new MembershipHarness({ maxRoomsPerAddress: 1 });
      await h.createRoom.execute(input('One'));

      expect(await h.createRoom.execute(input('One'))).toEqual({ ok: false, code: 'ROOMS_PER_ADDRESS' });
    });

    it('frees the slot once the room has ended, whoever its members were', async () => {
      const h = new MembershipHarness({ maxRoomsPerAddress: 1 });
      const one = await h.create('One', 'Alice');
      const bob = await h.join('One', 'Bob', { address: '198.51.100.4' });
      await h.endSession.execute(one.session.id, 'left');
      expect(await h.createRoom.execute(input('Two'))).toEqual({ ok: false, code: 'ROOMS_PER_ADDRESS' });
      await h.endSession.execute(bob.session.id, 'left');

      expect((await h.createRoom.execute(input('Two'))).ok).toBe(true);
    });

    it('frees the slot once the room has timed out', async () => {
      const h = new MembershipHarness({ maxRoomsPerAddress: 1 });
      await h.create('One', 'Alice');
      h.clock.advance(h.graceMs);
      await h.expireAwaySessions.execute();

      expect((await h.createRoom.execute(input('Two'))).ok).toBe(true);
    });

    it('refuses with SESSIONS_PER_ADDRESS when the key holds maxSessionsPerAddress sessions, and removes the room again', async () => {
      const h = new MembershipHarness({ maxSessionsPerAddress: 2 });
      await h.create('One', 'Alice');
      await h.create('Two', 'Alice');

      expect(await h.createRoom.execute(input('Three'))).toEqual({ ok: false, code: 'SESSIONS_PER_ADDRESS' });
      expect(await h.rooms.get('three')).toBeUndefined();
      expect((await h.createRoom.execute(input('Three', 'Alice', from('198.51.100.4')))).ok).toBe(true);
    });

    it('does not count the rooms refused for SESSIONS_PER_ADDRESS toward ROOMS_PER_ADDRESS', async () => {
      const h = new MembershipHarness({ maxRoomsPerAddress: 2, maxSessionsPerAddress: 1 });
      const one = await h.create('One', 'Alice');
      await h.createRoom.execute(input('Two'));
      await h.endSession.execute(one.session.id, 'left');

      expect((await h.createRoom.execute(input('Three'))).ok).toBe(true);
    });
  });
});
