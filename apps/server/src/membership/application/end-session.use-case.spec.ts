import { MembershipHarness, verifierFor } from '../../testing/membership-harness';

describe('EndSession', () => {
  it('resolves to true when it ends a session', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');

    expect(await h.endSession.execute(alice.session.id, 'left')).toBe(true);
  });

  it('forgets the session', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');

    await h.endSession.execute(bob.session.id, 'left');

    expect(await h.sessions.get(bob.session.id)).toBeUndefined();
    expect((await h.sessions.inRoom('lobby')).map((session) => session.name)).toEqual(['Alice']);
  });

  it('tells the others left with reason left and the time', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    h.clock.advance(900);

    await h.endSession.execute(bob.session.id, 'left');

    expect(h.events.changes).toEqual([
      { roomKey: 'lobby', sessionId: bob.session.id, type: 'left', name: 'Bob', reason: 'left', at: h.clock.now() },
    ]);
  });

  it('reports the ended session so a socket it still has is told and closed', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    await h.connect(bob.session.id, 'bob-socket');

    await h.endSession.execute(bob.session.id, 'left');

    expect(h.events.ended).toEqual([{ roomKey: 'lobby', room: 'Lobby', sessionId: bob.session.id, name: 'Bob', reason: 'left' }]);
  });

  it('passes a timeout on as reason timeout', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');

    await h.endSession.execute(bob.session.id, 'timeout');

    expect(h.events.changes.map((change) => change.reason)).toEqual(['timeout']);
    expect(h.events.ended.map((ended) => ended.reason)).toEqual(['timeout']);
  });

  it('keeps the room while other sessions remain', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.join('Lobby', 'Bob');

    await h.endSession.execute(alice.session.id, 'left');

    expect((await h.rooms.get('lobby'))?.name).toBe('Lobby');
    expect(h.events.deleted).toEqual([]);
  });

  it('deletes the room with its last session', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');

    await h.endSession.execute(alice.session.id, 'left');

    expect(await h.rooms.get('lobby')).toBeUndefined();
    expect(await h.rooms.list()).toEqual([]);
    expect(h.events.deleted).toEqual([{ roomKey: 'lobby', room: 'Lobby' }]);
  });

  it('tells of the session ending, then the member leaving, then the room going', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');

    await h.endSession.execute(alice.session.id, 'left');

    expect(h.events.log).toEqual(['ended:left:Alice', 'member:left:Alice', 'deleted:Lobby']);
  });

  it('deletes the room after the creator left once the last joiner leaves', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    await h.endSession.execute(alice.session.id, 'left');

    await h.endSession.execute(bob.session.id, 'left');

    expect(await h.rooms.get('lobby')).toBeUndefined();
  });

  it('frees the name for anyone with any password once the room is deleted', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice', { password: 'first password' });
    await h.endSession.execute(alice.session.id, 'left');

    const again = await h.create('LOBBY', 'Mallory', { password: 'second password' });

    expect(again.room.creator).toBe('Mallory');
    expect(again.room.name).toBe('LOBBY');
    expect(again.members).toEqual([{ name: 'Mallory', status: 'away', creator: true }]);
    expect((await h.rooms.get('lobby'))?.admits(verifierFor('first password'))).toBe(false);
    expect((await h.rooms.get('lobby'))?.admits(verifierFor('second password'))).toBe(true);
  });

  it('starts a re-created room at seq 1', async () => {
    const h = new MembershipHarness();
    const alice = await h.create('Lobby', 'Alice');
    await h.connect(alice.session.id, 'alice-socket');
    await h.relayMessage.execute({ sessionId: alice.session.id, roomKey: 'lobby', senderSocketId: 'alice-socket', id: 'AAAAAAAAAAAAAAAAAAAAAA', box: Buffer.alloc(40) });
    await h.endSession.execute(alice.session.id, 'left');
    const bob = await h.create('Lobby', 'Bob');
    await h.connect(bob.session.id, 'bob-socket');

    const relayed = await h.relayMessage.execute({ sessionId: bob.session.id, roomKey: 'lobby', senderSocketId: 'bob-socket', id: 'AAAAAAAAAAAAAAAAAAAAAA', box: Buffer.alloc(40) });

    expect(relayed.ok && { seq: relayed.value.seq, fresh: relayed.value.fresh }).toEqual({ seq: 1, fresh: true });
  });

  it('resolves to false the second time, telling nobody again', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');
    await h.endSession.execute(bob.session.id, 'left');
    h.events.clear();

    expect(await h.endSession.execute(bob.session.id, 'left')).toBe(false);
    expect(h.events.log).toEqual([]);
  });

  it('ends a session only once when two ends race', async () => {
    const h = new MembershipHarness();
    await h.create('Lobby', 'Alice');
    const bob = await h.join('Lobby', 'Bob');

    const results = await Promise.all([h.endSession.execute(bob.session.id, 'left'), h.endSession.execute(bob.session.id, 'timeout')]);

    expect(results.filter(Boolean)).toEqual([true]);
    expect(h.events.log).toEqual(['ended:left:Bob', 'member:left:Bob']);
  });

  it('resolves to false for an unknown session', async () => {
    const h = new MembershipHarness();

    expect(await h.endSession.execute('no-such-session', 'left')).toBe(false);
    expect(h.events.log).toEqual([]);
  });
});
