import { MembershipHarness } from '../../testing/membership-harness';

const GRACE = 10_000;

describe('ExpireAwaySessions', () => {
  it('ends a session that has been away for longer than the grace with timeout', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'alice-socket');
    const bob = await h.join('Lobby', 'Bob');
    await h.connect(bob.session.id, 'bob-socket');
    await h.disconnectSocket.execute(bob.session.id, 'bob-socket');
    h.events.clear();
    h.clock.advance(GRACE + 1);

    expect(await h.expireAwaySessions.execute()).toBe(1);
    expect(await h.sessions.get(bob.session.id)).toBeUndefined();
    expect(h.events.changes).toEqual([
      { roomKey: 'lobby', sessionId: bob.session.id, type: 'left', name: 'Bob', reason: 'timeout', at: h.clock.now() },
    ]);
  });

  it('keeps a session away for 1 ms less than the grace', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'alice-socket');
    h.clock.advance(5_000);
    await h.disconnectSocket.execute(alice.session.id, 'alice-socket');
    h.clock.advance(GRACE - 1);

    expect(await h.expireAwaySessions.execute()).toBe(0);
    expect((await h.sessions.get(alice.session.id))?.status).toBe('away');
  });

  it('ends a session away for exactly the grace', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'alice-socket');
    h.clock.advance(5_000);
    await h.disconnectSocket.execute(alice.session.id, 'alice-socket');
    h.clock.advance(GRACE);

    expect(await h.expireAwaySessions.execute()).toBe(1);
    expect(await h.sessions.get(alice.session.id)).toBeUndefined();
  });

  it('ends a session that never connected within the grace of its creation', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'alice-socket');
    h.clock.advance(1_000);
    const bob = await h.join('Lobby', 'Bob');
    h.events.clear();
    h.clock.advance(GRACE);

    expect(await h.expireAwaySessions.execute()).toBe(1);
    expect(h.events.log).toEqual(['ended:timeout:Bob', 'member:left:Bob']);
    expect(await h.sessions.get(bob.session.id)).toBeUndefined();
  });

  it('keeps a session that never connected until the grace has passed since its creation', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    await h.create('Lobby', 'Alice');
    h.clock.advance(GRACE - 1);

    expect(await h.expireAwaySessions.execute()).toBe(0);
  });

  it('keeps a session that came back within the grace', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    await h.disconnectSocket.execute(alice.session.id, 'socket-1');
    h.clock.advance(GRACE - 1);
    await h.connect(alice.session.id, 'socket-2');
    h.clock.advance(GRACE * 5);

    expect(await h.expireAwaySessions.execute()).toBe(0);
    expect((await h.sessions.get(alice.session.id))?.status).toBe('online');
  });

  it('gives a session that went away again a fresh grace', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    await h.disconnectSocket.execute(alice.session.id, 'socket-1');
    h.clock.advance(GRACE - 1);
    await h.connect(alice.session.id, 'socket-2');
    h.clock.advance(1);
    await h.disconnectSocket.execute(alice.session.id, 'socket-2');
    h.clock.advance(GRACE - 1);

    expect(await h.expireAwaySessions.execute()).toBe(0);
    h.clock.advance(1);
    expect(await h.expireAwaySessions.execute()).toBe(1);
  });

  it('leaves online sessions alone however long they stay', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'alice-socket');
    h.clock.advance(GRACE * 100);

    expect(await h.expireAwaySessions.execute()).toBe(0);
  });

  it('deletes the room when its last session times out', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    await h.create('Lobby', 'Alice');
    h.clock.advance(GRACE);

    await h.expireAwaySessions.execute();

    expect(await h.rooms.get('lobby')).toBeUndefined();
    expect(h.events.deleted).toEqual([{ roomKey: 'lobby', room: 'Lobby' }]);
  });

  it('deletes the room once when all of its sessions time out together', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');
    await h.join('Lobby', 'Carol');
    h.clock.advance(GRACE);

    expect(await h.expireAwaySessions.execute()).toBe(3);
    expect(await h.rooms.get('lobby')).toBeUndefined();
    expect(h.storedSessions()).toBe(0);
    expect(h.events.deleted).toEqual([{ roomKey: 'lobby', room: 'Lobby' }]);
  });

  it('keeps the room while an online member remains', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    const alice = await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');
    await h.connect(alice.session.id, 'alice-socket');
    h.clock.advance(GRACE);

    expect(await h.expireAwaySessions.execute()).toBe(1);
    expect((await h.rooms.get('lobby'))?.name).toBe('Lobby');
  });

  it('does nothing the second time', async () => {
    const h = new MembershipHarness({ graceMs: GRACE });
    await h.create('Lobby', 'Alice');
    h.clock.advance(GRACE);
    await h.expireAwaySessions.execute();
    h.events.clear();

    expect(await h.expireAwaySessions.execute()).toBe(0);
    expect(h.events.log).toEqual([]);
  });
});
