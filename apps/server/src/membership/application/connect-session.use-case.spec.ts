import { MembershipHarness } from '../../testing/membership-harness';

describe('ConnectSession', () => {
  it('answers joined the first time a session connects', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');

    const result = await h.connectSession.execute(alice.session.id, 'socket-1');

    expect(result.ok && result.value.arrival).toEqual({ kind: 'joined' });
  });

  it('tells the others joined, with the session, the name and the time', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    h.clock.advance(250);

    await h.connectSession.execute(alice.session.id, 'socket-1');

    expect(h.events.changes).toEqual([{ roomKey: 'lobby', sessionId: alice.session.id, type: 'joined', name: 'Alice', at: h.clock.now() }]);
  });

  it('answers the room, every member with the session online, and the session\'s own vault', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');

    const result = await h.connectSession.execute(alice.session.id, 'socket-1');

    expect(result).toEqual({
      ok: true,
      value: {
        room: alice.room,
        members: [
          { name: 'Alice', status: 'online', creator: true },
          { name: 'Bob', status: 'away', creator: false },
        ],
        vault: alice.vault,
        arrival: { kind: 'joined' },
        sinceSeq: 0,
      },
    });
  });

  it('makes the session online on its socket', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');

    await h.connectSession.execute(alice.session.id, 'socket-1');

    const session = await h.sessions.get(alice.session.id);
    expect(session?.status).toBe('online');
    expect(session?.socketId).toBe('socket-1');
  });

  it('answers back when a session reconnects after going away', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    await h.disconnectSocket.execute(alice.session.id, 'socket-1');
    h.events.clear();
    h.clock.advance(3_000);

    const result = await h.connectSession.execute(alice.session.id, 'socket-2');

    expect(result.ok && result.value.arrival).toEqual({ kind: 'back' });
    expect(h.events.changes).toEqual([{ roomKey: 'lobby', sessionId: alice.session.id, type: 'back', name: 'Alice', at: h.clock.now() }]);
  });

  it('answers replaced with the previous socket when a second socket connects', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');

    const result = await h.connectSession.execute(alice.session.id, 'socket-2');

    expect(result.ok && result.value.arrival).toEqual({ kind: 'replaced', previousSocketId: 'socket-1' });
    expect((await h.sessions.get(alice.session.id))?.socketId).toBe('socket-2');
  });

  it('tells the others nothing when a socket is replaced', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    h.events.clear();

    await h.connectSession.execute(alice.session.id, 'socket-2');

    expect(h.events.log).toEqual([]);
  });

  it('answers replaced with the first socket even before that one was ever seen to close', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    await h.connect(alice.session.id, 'socket-2');

    const result = await h.connectSession.execute(alice.session.id, 'socket-3');

    expect(result.ok && result.value.arrival).toEqual({ kind: 'replaced', previousSocketId: 'socket-2' });
  });

  it('keeps an online session out of the away sessions that can time out', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    h.clock.advance(h.graceMs * 10);

    expect(await h.sessions.outstayed(h.clock.now(), h.graceMs)).toEqual([]);
  });

  it('refuses a session that has ended with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');
    await h.endSession.execute(alice.session.id, 'left');
    h.events.clear();

    expect(await h.connectSession.execute(alice.session.id, 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
    expect(h.events.log).toEqual([]);
  });

  it('refuses an unknown session id with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();

    expect(await h.connectSession.execute('no-such-session', 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });
});
