import { MembershipHarness } from '../../testing/membership-harness';

async function online(h: MembershipHarness) {
  const alice = await h.create('Lobby', 'Alice');
  await h.join('Lobby', 'Bob');
  await h.connect(alice.session.id, 'socket-1');
  h.events.clear();
  return alice.session.id;
}

describe('DisconnectSocket', () => {
  it('turns the session away when its current socket closes', async () => {
    const h = new MembershipHarness();
    const id = await online(h);

    await h.disconnectSocket.execute(id, 'socket-1');

    const session = await h.sessions.get(id);
    expect(session?.status).toBe('away');
    expect(session?.socketId).toBeUndefined();
  });

  it('tells the others away, with the time', async () => {
    const h = new MembershipHarness();
    const id = await online(h);
    h.clock.advance(1_234);

    await h.disconnectSocket.execute(id, 'socket-1');

    expect(h.events.changes).toEqual([{ roomKey: 'lobby', sessionId: id, type: 'away', name: 'Alice', at: h.clock.now() }]);
  });

  it('starts the grace period at the disconnect', async () => {
    const h = new MembershipHarness();
    const id = await online(h);
    h.clock.advance(60_000);
    const leftAt = h.clock.now();

    await h.disconnectSocket.execute(id, 'socket-1');

    expect((await h.sessions.get(id))?.snapshot().awayFrom).toBe(leftAt);
    const outstayed = async (at: number) => (await h.sessions.outstayed(at, h.graceMs)).map((session) => session.name);
    expect(await outstayed(leftAt + h.graceMs - 1)).not.toContain('Alice');
    expect(await outstayed(leftAt + h.graceMs)).toContain('Alice');
  });

  it('ignores a stale socket that a newer one replaced', async () => {
    const h = new MembershipHarness();
    const id = await online(h);
    await h.connect(id, 'socket-2');

    await h.disconnectSocket.execute(id, 'socket-1');

    const session = await h.sessions.get(id);
    expect(session?.status).toBe('online');
    expect(session?.socketId).toBe('socket-2');
    expect(h.events.log).toEqual([]);
  });

  it('tells the others only once when the same socket is reported closed twice', async () => {
    const h = new MembershipHarness();
    const id = await online(h);

    await h.disconnectSocket.execute(id, 'socket-1');
    await h.disconnectSocket.execute(id, 'socket-1');

    expect(h.events.log).toEqual(['member:away:Alice']);
  });

  it('ignores a session that has ended', async () => {
    const h = new MembershipHarness();
    const id = await online(h);
    await h.endSession.execute(id, 'left');
    h.events.clear();

    await h.disconnectSocket.execute(id, 'socket-1');

    expect(h.events.log).toEqual([]);
  });

  it('ignores an unknown session', async () => {
    const h = new MembershipHarness();

    await expect(h.disconnectSocket.execute('no-such-session', 'socket-1')).resolves.toBeUndefined();
    expect(h.events.log).toEqual([]);
  });
});
