import { MembershipHarness } from '../../testing/membership-harness';

describe('ResolveSpeaker', () => {
  it('finds the session of its current socket', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');

    expect(await h.resolveSpeaker.execute(alice.session.id, 'lobby', 'socket-1')).toEqual({ ok: true, value: alice.session });
  });

  it('refuses a socket that a newer one replaced with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    await h.connect(alice.session.id, 'socket-2');

    expect(await h.resolveSpeaker.execute(alice.session.id, 'lobby', 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses a session that never connected with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');

    expect(await h.resolveSpeaker.execute(alice.session.id, 'lobby', 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses a session that is away with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'socket-1');
    await h.disconnectSocket.execute(alice.session.id, 'socket-1');

    expect(await h.resolveSpeaker.execute(alice.session.id, 'lobby', 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses a session that has ended with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');
    await h.connect(alice.session.id, 'socket-1');
    await h.endSession.execute(alice.session.id, 'left');

    expect(await h.resolveSpeaker.execute(alice.session.id, 'lobby', 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses another session id on the right socket with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    await h.connect(alice.session.id, 'socket-1');
    await h.connect(bob.session.id, 'socket-2');

    expect(await h.resolveSpeaker.execute(bob.session.id, 'lobby', 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses its session speaking for a room that is not its own with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.create('Kitchen', 'Carol');
    await h.connect(alice.session.id, 'socket-1');

    expect(await h.resolveSpeaker.execute(alice.session.id, 'kitchen', 'socket-1')).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });
});
