import { MembershipHarness } from '../../testing/membership-harness';

const ID_A = 'AAAAAAAAAAAAAAAAAAAAAA';
const ID_B = 'BBBBBBBBBBBBBBBBBBBBBB';
const ID_C = 'CCCCCCCCCCCCCCCCCCCCCC';
const BOX = Buffer.alloc(40, 1);

async function roomWithTwoOnline(h: MembershipHarness, room = 'Lobby') {
  const alice = await h.create(room, 'Alice');
  const bob = await h.join(room, 'Bob');
  await h.connect(alice.session.id, `${room}-alice-socket`);
  await h.connect(bob.session.id, `${room}-bob-socket`);
  return {
    alice: { sessionId: alice.session.id, roomKey: room.toLowerCase(), senderSocketId: `${room}-alice-socket` },
    bob: { sessionId: bob.session.id, roomKey: room.toLowerCase(), senderSocketId: `${room}-bob-socket` },
  };
}

describe('RelayMessage', () => {
  it('stamps the first message of a room with seq 1, the clock time and its sender', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);

    expect(await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX })).toEqual({
      ok: true,
      value: { seq: 1, ts: h.clock.now(), fresh: true },
    });
    expect(h.sockets.relayed.map(({ message }) => message.from)).toEqual(['Alice']);
  });

  it('counts seq up across senders in one room', async () => {
    const h = new MembershipHarness();
    const { alice, bob } = await roomWithTwoOnline(h);
    await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX });
    h.clock.advance(7);

    expect(await h.relayMessage.execute({ ...bob, id: ID_B, box: BOX })).toEqual({
      ok: true,
      value: { seq: 2, ts: h.clock.now(), fresh: true },
    });
    expect(h.sockets.relayed.map(({ message }) => [message.seq, message.from])).toEqual([
      [1, 'Alice'],
      [2, 'Bob'],
    ]);
  });

  it('counts seq separately in each room', async () => {
    const h = new MembershipHarness();
    const lobby = await roomWithTwoOnline(h, 'Lobby');
    const kitchen = await roomWithTwoOnline(h, 'Kitchen');
    await h.relayMessage.execute({ ...lobby.alice, id: ID_A, box: BOX });
    await h.relayMessage.execute({ ...lobby.alice, id: ID_B, box: BOX });

    const first = await h.relayMessage.execute({ ...kitchen.alice, id: ID_C, box: BOX });

    expect(first.ok && first.value.seq).toBe(1);
  });

  it('keys ids by room: the same id in two rooms is two fresh messages', async () => {
    const h = new MembershipHarness();
    const lobby = await roomWithTwoOnline(h, 'Lobby');
    const kitchen = await roomWithTwoOnline(h, 'Kitchen');
    await h.relayMessage.execute({ ...lobby.alice, id: ID_A, box: BOX });

    const other = await h.relayMessage.execute({ ...kitchen.alice, id: ID_A, box: BOX });

    expect(other.ok && other.value.fresh).toBe(true);
  });

  it('answers a retried id with its first seq and ts and fresh false', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    const firstTs = h.clock.now();
    await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX });
    h.clock.advance(1_000);

    expect(await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX })).toEqual({
      ok: true,
      value: { seq: 1, ts: firstTs, fresh: false },
    });
  });

  it('treats an id already used by another sender as a repeat', async () => {
    const h = new MembershipHarness();
    const { alice, bob } = await roomWithTwoOnline(h);
    const firstTs = h.clock.now();
    await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX });
    h.clock.advance(10);

    const repeat = await h.relayMessage.execute({ ...bob, id: ID_A, box: BOX });

    expect(repeat).toEqual({ ok: true, value: { seq: 1, ts: firstTs, fresh: false } });
  });

  it('does not use up a seq for a repeat', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX });
    await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX });

    const next = await h.relayMessage.execute({ ...alice, id: ID_B, box: BOX });

    expect(next.ok && next.value.seq).toBe(2);
  });

  it('refuses a socket that a newer one replaced with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    await h.connect(alice.sessionId, 'alice-new-socket');

    expect(await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX })).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('accepts the newer socket of a replaced session', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    await h.connect(alice.sessionId, 'alice-new-socket');

    const result = await h.relayMessage.execute({ ...alice, senderSocketId: 'alice-new-socket', id: ID_A, box: BOX });

    expect(result.ok && result.value.seq).toBe(1);
  });

  it('refuses a session that has ended with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    await h.endSession.execute(alice.sessionId, 'left');

    expect(await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX })).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('refuses a socket that disconnected with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    await h.disconnectSocket.execute(alice.sessionId, alice.senderSocketId);

    expect(await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX })).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('uses no seq for a refused message', async () => {
    const h = new MembershipHarness();
    const { alice, bob } = await roomWithTwoOnline(h);
    await h.relayMessage.execute({ ...alice, senderSocketId: 'stale', id: ID_A, box: BOX });

    const next = await h.relayMessage.execute({ ...bob, id: ID_B, box: BOX });

    expect(next.ok && next.value.seq).toBe(1);
  });

  it('relays a fresh message once, with its stamp, sender and sending socket', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX });
    await h.relayMessage.execute({ ...alice, id: ID_A, box: BOX });

    expect(h.sockets.relayed).toEqual([
      { roomKey: 'lobby', senderSocketId: alice.senderSocketId, message: { id: ID_A, from: 'Alice', ts: h.clock.now(), seq: 1, box: BOX } },
    ]);
  });

  it('refuses a session speaking in a room that is not its own with SESSION_NOT_FOUND', async () => {
    const h = new MembershipHarness();
    const lobby = await roomWithTwoOnline(h, 'Lobby');
    await roomWithTwoOnline(h, 'Kitchen');

    expect(await h.relayMessage.execute({ ...lobby.alice, roomKey: 'kitchen', id: ID_A, box: BOX })).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
    expect(h.sockets.relayed).toEqual([]);
  });

  it('relays nothing for a refused message', async () => {
    const h = new MembershipHarness();
    const { alice } = await roomWithTwoOnline(h);
    await h.relayMessage.execute({ ...alice, senderSocketId: 'stale', id: ID_A, box: BOX });

    expect(h.sockets.relayed).toEqual([]);
  });
});
