import {
  ClientEvent,
  ErrorCode,
  ServerEvent,
  type LeaveAck,
  type MemberEvent,
  type MessageAck,
  type PresenceEvent,
  type RelayedMessage,
  type SessionEndEvent,
} from '@ciphernest/protocol';
import {
  byName,
  chatFor,
  connectAs,
  createRoom,
  deleteSession,
  expectError,
  getKdf,
  joinRoom,
  member,
  newId,
  nextAddress,
  postSession,
  randomBox,
  randomKdf,
  randomVerifier,
  setUpRoom,
} from './support/builders';
import { ChatClient, closeAllClients, delay } from './support/chat-client';
import { expectedMember, memberEvent } from './support/events';
import { useServer, type ServerProcess } from './support/server-process';

// docs/protocol.md §5 (connection, presence, leave, replacement) and §6 (membership and room lifetime).

const GRACE_MS = 1_500;
/** How long past the grace a timeout may take to be noticed and reported; generous for loaded machines. */
const GRACE_SLACK_MS = 4_000;
/** docs/protocol.md §6 says 100 ms for `left` after leave; the tests allow 1 s so they never depend on speed. */
const PROMPTLY_MS = 1_000;

async function waitUntilRoomGone(server: ServerProcess, room: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await getKdf(server, room);
    if (res.status === 404) {
      expectError(res, ErrorCode.RoomNotFound);
      return;
    }
    if (Date.now() > deadline) throw new Error(`room '${room}' still exists (${res.status} ${res.text})`);
    await delay(50);
  }
}

describe('Real-time membership (docs/protocol.md §5, §6)', () => {
  const server = useServer({ DISCONNECT_GRACE_MS: String(GRACE_MS) });
  afterEach(closeAllClients);

  describe('connecting', () => {
    it('refuses a garbage token: connect_error TOKEN_INVALID', async () => {
      const owner = await createRoom(server());
      expect(await new ChatClient(server().url, { token: 'garbage.token', from: owner.from }).connectRefusal()).toBe(ErrorCode.TokenInvalid);
    });

    it('refuses a handshake without a token: TOKEN_INVALID', async () => {
      const owner = await createRoom(server());
      expect(await new ChatClient(server().url, { from: owner.from }).connectRefusal()).toBe(ErrorCode.TokenInvalid);
    });

    it('refuses a token that is not a string: TOKEN_INVALID', async () => {
      const owner = await createRoom(server());
      expect(await new ChatClient(server().url, { auth: { token: { forged: true } }, from: owner.from }).connectRefusal()).toBe(ErrorCode.TokenInvalid);
    });

    it('refuses the token of an ended session: SESSION_NOT_FOUND', async () => {
      const owner = await createRoom(server());
      const guest = await joinRoom(server(), owner);
      expect((await deleteSession(server(), guest.token, { from: guest.from })).status).toBe(204);
      expect(await chatFor(server(), guest).connectRefusal()).toBe(ErrorCode.SessionNotFound);
    });

    it('refuses the token of an ended session even after the same name rejoins from the same address', async () => {
      const owner = await createRoom(server());
      const first = await joinRoom(server(), owner, { username: 'bob' });
      expect((await deleteSession(server(), first.token, { from: first.from })).status).toBe(204);
      const second = await joinRoom(server(), owner, { username: 'bob', from: first.from });
      expect(await chatFor(server(), first).connectRefusal()).toBe(ErrorCode.SessionNotFound);
      await connectAs(server(), second);
    });

    it('refuses a token from another address: IP_MISMATCH', async () => {
      const owner = await createRoom(server());
      expect(await chatFor(server(), owner, { from: nextAddress() }).connectRefusal()).toBe(ErrorCode.IpMismatch);
    });

    it('sends presence right after connecting, with the room and its members', async () => {
      const owner = await createRoom(server(), { username: 'alice' });
      const guest = await joinRoom(server(), owner, { username: 'bob' });
      const client = chatFor(server(), owner);
      await client.connect();
      const presence = await client.next<PresenceEvent>(ServerEvent.Presence);
      expect(client.eventNames().slice(0, 2)).toEqual(['connect', ServerEvent.Presence]);
      expect(Object.keys(presence).sort()).toEqual(['members', 'room', 'vault']);
      expect(presence.vault).toBe(owner.grant.vault);
      expect(presence.room).toEqual(owner.grant.room);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member(guest.username, 'away', false)]);
    });

    it("shows the others' status in a later member's presence", async () => {
      const owner = await createRoom(server(), { username: 'alice' });
      await connectAs(server(), owner);
      const guest = await joinRoom(server(), owner, { username: 'bob' });
      const { presence } = await connectAs(server(), guest);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member('bob', 'online', false)]);
    });

    it('tells the others member joined when a new session first connects, not when it is created', async () => {
      const owner = await createRoom(server(), { username: 'alice' });
      const { client: alice } = await connectAs(server(), owner);
      const guest = await joinRoom(server(), owner, { username: 'bob' });
      await alice.none(ServerEvent.Member, 200);
      const bob = chatFor(server(), guest);
      const before = Date.now();
      await bob.connect();
      const joined = await alice.next<MemberEvent>(ServerEvent.Member);
      expect(joined).toEqual(expectedMember('joined', 'bob'));
      expect(joined.at).toBeGreaterThanOrEqual(before - 5_000);
      expect(joined.at).toBeLessThanOrEqual(Date.now() + 5_000);
    });

    it('does not tell the new member about itself', async () => {
      const { sessions } = await setUpRoom(server(), ['alice']);
      const guest = await joinRoom(server(), sessions[0], { username: 'bob' });
      const { client: bob } = await connectAs(server(), guest);
      await bob.none(ServerEvent.Member, 300);
    });
  });

  describe('leave', () => {
    it('acks leave with { ok: true }, then sends session:end left, then closes the socket', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const bob = clients[1];
      expect(await bob.emitWithAck<LeaveAck>(ClientEvent.Leave)).toEqual({ ok: true });
      expect(await bob.next<SessionEndEvent>(ServerEvent.SessionEnd)).toEqual({ reason: 'left' });
      await bob.disconnected();
      const order = bob.eventNames().filter((name) => ['ack:leave', ServerEvent.SessionEnd, 'disconnect'].includes(name));
      expect(order).toEqual(['ack:leave', ServerEvent.SessionEnd, 'disconnect']);
    });

    it('tells the others member left, reason left, promptly', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, bob] = clients;
      await bob.emitWithAck(ClientEvent.Leave);
      expect(await alice.next<MemberEvent>(ServerEvent.Member, () => true, PROMPTLY_MS)).toEqual(expectedMember('left', 'bob', 'left'));
    });

    it('refuses the token afterwards: SESSION_NOT_FOUND', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      await clients[1].emitWithAck(ClientEvent.Leave);
      await clients[1].disconnected();
      expect(await chatFor(server(), sessions[1]).connectRefusal()).toBe(ErrorCode.SessionNotFound);
    });

    it('frees the username', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      await clients[1].emitWithAck(ClientEvent.Leave);
      expect((await postSession(server(), sessions[0].room, { username: 'bob', verifier: sessions[0].verifier })).status).toBe(201);
    });
  });

  describe('DELETE /api/session while connected', () => {
    it('tells the others member left, reason left, promptly', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      expect((await deleteSession(server(), sessions[1].token, { from: sessions[1].from })).status).toBe(204);
      expect(await clients[0].next<MemberEvent>(ServerEvent.Member, () => true, PROMPTLY_MS)).toEqual(expectedMember('left', 'bob', 'left'));
    });

    it("closes the ended session's socket", async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      expect((await deleteSession(server(), sessions[1].token, { from: sessions[1].from })).status).toBe(204);
      await clients[1].disconnected();
    });
  });

  describe('a second connection with the same token', () => {
    it('wins: the first socket gets session:end replaced and is closed', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      const first = clients[1];
      const { presence } = await connectAs(server(), sessions[1]);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member('bob', 'online', false)]);
      expect(await first.next<SessionEndEvent>(ServerEvent.SessionEnd)).toEqual({ reason: 'replaced' });
      await first.disconnected();
      const order = first.eventNames().filter((name) => [ServerEvent.SessionEnd, 'disconnect'].includes(name));
      expect(order).toEqual([ServerEvent.SessionEnd, 'disconnect']);
    });

    it('is no departure: the others get no member left', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      await connectAs(server(), sessions[1]);
      await clients[1].disconnected();
      await clients[0].none<MemberEvent>(ServerEvent.Member, 500, (event) => event.type === 'left');
    });

    it('receives the messages from then on, and the replaced socket does not', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, oldBob] = clients;
      const { client: newBob } = await connectAs(server(), sessions[1]);
      await oldBob.disconnected();
      const id = newId();
      const ack = await alice.emitWithAck<MessageAck>(ClientEvent.Message, { id, box: randomBox() });
      expect(ack.ok).toBe(true);
      expect((await newBob.next<RelayedMessage>(ServerEvent.Message)).id).toBe(id);
      await oldBob.none(ServerEvent.Message, 200);
    });
  });

  describe('away, back and timeout', () => {
    it('tells the others member away when a socket disconnects', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      clients[1].disconnect();
      expect(await clients[0].next<MemberEvent>(ServerEvent.Member)).toEqual(expectedMember('away', 'bob'));
    });

    it('lists an away member as away', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      clients[1].disconnect();
      await clients[0].next(ServerEvent.Member, memberEvent('away', 'bob'));
      const res = await postSession(server(), sessions[0].room, { username: 'carol', verifier: sessions[0].verifier });
      expect(byName(res.body.members)).toEqual([member('alice', 'online', true), member('bob', 'away'), member('carol', 'away')]);
    });

    it('ends a session away for DISCONNECT_GRACE_MS: member left, reason timeout', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      clients[1].disconnect();
      const away = await clients[0].next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'bob'));
      const left = await clients[0].next<MemberEvent>(ServerEvent.Member, memberEvent('left', 'bob'), GRACE_MS + GRACE_SLACK_MS);
      expect(left).toEqual(expectedMember('left', 'bob', 'timeout'));
      expect(left.at - away.at).toBeGreaterThanOrEqual(GRACE_MS - 50);
    });

    it('refuses the token of a timed-out session: SESSION_NOT_FOUND', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      clients[1].disconnect();
      await clients[0].next(ServerEvent.Member, memberEvent('left', 'bob'), GRACE_MS + GRACE_SLACK_MS);
      expect(await chatFor(server(), sessions[1]).connectRefusal()).toBe(ErrorCode.SessionNotFound);
    });

    it('brings the session back when it reconnects within the grace: member back, and no timeout', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      const alice = clients[0];
      clients[1].disconnect();
      await alice.next(ServerEvent.Member, memberEvent('away', 'bob'));
      const { presence } = await connectAs(server(), sessions[1]);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member('bob', 'online', false)]);
      // The same vault as in its 201: what the client sealed before the drop still opens.
      expect(presence.vault).toBe(sessions[1].grant.vault);
      expect(await alice.next<MemberEvent>(ServerEvent.Member)).toEqual(expectedMember('back', 'bob'));
      await alice.none(ServerEvent.Member, GRACE_MS + 300);
    });

    it('does not time out a session that connected within the grace', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice']);
      const guest = await joinRoom(server(), sessions[0], { username: 'bob' });
      await connectAs(server(), guest);
      await clients[0].next(ServerEvent.Member, memberEvent('joined', 'bob'));
      await clients[0].none(ServerEvent.Member, GRACE_MS + 300);
    });

    it('ends a session that never connects after the grace: left timeout, without a joined before', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice']);
      const alice = clients[0];
      const before = Date.now();
      await joinRoom(server(), sessions[0], { username: 'bob' });
      const left = await alice.next<MemberEvent>(ServerEvent.Member, memberEvent('left', 'bob'), GRACE_MS + GRACE_SLACK_MS);
      expect(left).toEqual(expectedMember('left', 'bob', 'timeout'));
      expect(left.at - before).toBeGreaterThanOrEqual(GRACE_MS - 50);
      expect(alice.timeline().filter((entry) => entry.event === ServerEvent.Member)).toHaveLength(1);
    });
  });

  describe('room lifetime', () => {
    it('deletes the room when its last session leaves', async () => {
      const { room, clients } = await setUpRoom(server(), ['alice']);
      await clients[0].emitWithAck(ClientEvent.Leave);
      await waitUntilRoomGone(server(), room, PROMPTLY_MS);
    });

    it('deletes the room when its last session times out', async () => {
      const { room, clients } = await setUpRoom(server(), ['alice']);
      clients[0].disconnect();
      await waitUntilRoomGone(server(), room, GRACE_MS + GRACE_SLACK_MS);
    });

    it('deletes a room whose only session never connects, after the grace', async () => {
      const owner = await createRoom(server());
      await waitUntilRoomGone(server(), owner.room, GRACE_MS + GRACE_SLACK_MS);
    });

    it('keeps the room while one session remains', async () => {
      const { room, clients } = await setUpRoom(server(), ['alice', 'bob']);
      await clients[0].emitWithAck(ClientEvent.Leave);
      await clients[1].next(ServerEvent.Member, memberEvent('left', 'alice'));
      expect((await getKdf(server(), room)).status).toBe(200);
    });

    it('frees the name for anyone with another password and kdf, and refuses the old tokens', async () => {
      const { room, sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [oldAlice, oldBob] = sessions;
      await clients[1].emitWithAck(ClientEvent.Leave);
      await clients[0].emitWithAck(ClientEvent.Leave);
      await waitUntilRoomGone(server(), room, PROMPTLY_MS);

      const kdf = randomKdf({ m: 32_768, t: 3 });
      const verifier = randomVerifier();
      const reborn = await createRoom(server(), { room, username: 'alice', from: oldAlice.from, verifier, kdf });
      expect(reborn.grant.room.kdf).toEqual(kdf);
      expect((await getKdf(server(), room)).body).toEqual({ kdf });

      expect(await chatFor(server(), oldAlice).connectRefusal()).toBe(ErrorCode.SessionNotFound);
      expect(await chatFor(server(), oldBob).connectRefusal()).toBe(ErrorCode.SessionNotFound);
      expectError(await deleteSession(server(), oldAlice.token, { from: oldAlice.from }), ErrorCode.SessionNotFound);
      expectError(await postSession(server(), room, { username: 'bob', verifier: oldAlice.verifier }), ErrorCode.BadCredentials);

      const { presence } = await connectAs(server(), reborn);
      expect(presence.members).toEqual([member('alice', 'online', true)]);
    });
  });
});
