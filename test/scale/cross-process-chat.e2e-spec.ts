import { decryptMessage, deriveRoomKeys, encryptText, newKdf, newMessageId } from '@ciphernest/crypto';
import {
  ClientEvent,
  ErrorCode,
  nameKey,
  normalizeName,
  ServerEvent,
  type LeaveAck,
  type MemberEvent,
  type MessageAck,
  type RelayedMessage,
  type SessionEndEvent,
  type TypingEvent,
} from '@ciphernest/protocol';
import { byName, chatFor, createRoom, deleteSession, expectError, joinRoom, member, newId, randomBox, uniqueRoomName } from '../support/builders';
import { closeAllClients, type ChatClient } from '../support/chat-client';
import { expectedMember, memberEvent } from '../support/events';
import type { ServerProcess } from '../support/server-process';
import { connectVia, setUpSpreadRoom, SLOW_MS, useCluster, useRedis } from './support/cluster';
import { nextMessages, sendOk } from './support/messages';

// STORE=redis, three processes on one Redis: docs/protocol.md §5-6 hold whichever process each member
// uses. Relay, presence, membership events and typing cross processes; tokens work on every
// process; seq is one gap-free order per room however the senders are spread; ids are the room's.

const RELAYED_FIELDS = ['box', 'from', 'id', 'seq', 'ts'];
/** docs/protocol.md §6 says 100 ms for `left` after leave; the tests allow 1 s so they never depend on speed. */
const PROMPTLY_MS = 1_000;

const redis = useRedis();

describe('Chat across processes (STORE=redis)', () => {
  // Message limiting off: the concurrency test sends far more than a burst at once.
  const nodes = useCluster(redis, 3, { DISCONNECT_GRACE_MS: '10000', RATE_MESSAGES_PER_SEC: '0' });
  const node = (n: number): ServerProcess => nodes()[n]!;
  afterEach(closeAllClients);

  describe('relay', () => {
    it('relays real ciphertext from one process to members on the other two, with exactly the fields of §5, and it decrypts', async () => {
      const password = 'correct horse battery staple';
      const room = uniqueRoomName('Scale Crypto');
      const roomKey = nameKey(normalizeName(room));
      const kdf = newKdf({ m: 19_456, t: 2 });
      const keys = await deriveRoomKeys(password, roomKey, kdf);
      const owner = await createRoom(node(0), { room, username: 'alice', verifier: keys.verifier, kdf });
      const bobSession = await joinRoom(node(1), owner, { username: 'bob' });
      const carolSession = await joinRoom(node(2), owner, { username: 'carol' });
      const { client: alice } = await connectVia(node(0), owner);
      const { client: bob } = await connectVia(node(1), bobSession);
      const { client: carol } = await connectVia(node(2), carolSession);

      const id = newMessageId();
      const box = await encryptText(keys.encKey, { roomKey, from: 'alice', id }, 'hello from process one');
      const sent = await sendOk(alice, id, box);
      for (const receiver of [bob, carol]) {
        const relayed = await receiver.next<RelayedMessage>(ServerEvent.Message);
        expect(Object.keys(relayed).sort()).toEqual(RELAYED_FIELDS);
        expect({ ...relayed, box: undefined }).toEqual({ id, from: 'alice', seq: sent.seq, ts: sent.ts, box: undefined });
        const opened = await decryptMessage(keys.encKey, { roomKey, from: relayed.from, id: relayed.id }, Buffer.from(relayed.box as Uint8Array));
        expect(opened).toEqual({ kind: 'text', text: 'hello from process one' });
      }
      await alice.none(ServerEvent.Message, 300);
    });

    it('relays typing to members on other processes as exactly { name, active }, and not to the typist', async () => {
      const { clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)], ['carol', node(2)]]);
      const [alice, bob, carol] = clients as [ChatClient, ChatClient, ChatClient];
      bob.emit(ClientEvent.Typing, { active: true });
      expect(await alice.next<TypingEvent>(ServerEvent.Typing)).toEqual({ name: 'bob', active: true });
      expect(await carol.next<TypingEvent>(ServerEvent.Typing)).toEqual({ name: 'bob', active: true });
      await bob.none(ServerEvent.Typing, 300);
    });
  });

  describe('presence and membership', () => {
    it('lists in presence the members who joined and connected through another process', async () => {
      const owner = await createRoom(node(0), { username: 'alice' });
      await connectVia(node(0), owner);
      const bob = await joinRoom(node(1), owner, { username: 'bob' });
      await joinRoom(node(2), owner, { username: 'carol' });
      const { presence } = await connectVia(node(1), bob);
      expect(presence.room).toEqual(owner.grant.room);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member('bob', 'online'), member('carol', 'away')]);
    });

    it('tells a member on another process member joined when a new session first connects', async () => {
      const owner = await createRoom(node(0), { username: 'alice' });
      const { client: alice } = await connectVia(node(0), owner);
      const bob = await joinRoom(node(2), owner, { username: 'bob' });
      await connectVia(node(1), bob);
      expect(await alice.next<MemberEvent>(ServerEvent.Member)).toEqual(expectedMember('joined', 'bob'));
    });

    it('tells members on other processes away when a socket closes, and back when it reconnects to yet another process', async () => {
      const { sessions, clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)]]);
      const [alice, bob] = clients as [ChatClient, ChatClient];
      bob.disconnect();
      expect(await alice.next<MemberEvent>(ServerEvent.Member)).toEqual(expectedMember('away', 'bob'));
      const { presence } = await connectVia(node(2), sessions[1]!);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member('bob', 'online')]);
      expect(await alice.next<MemberEvent>(ServerEvent.Member)).toEqual(expectedMember('back', 'bob'));
    });
  });

  describe('tokens and sessions', () => {
    it('accepts on every process a token issued by another', async () => {
      const owner = await createRoom(node(0), { username: 'alice' });
      const guest = await joinRoom(node(1), owner, { username: 'bob' });
      const { presence: alicePresence } = await connectVia(node(2), owner);
      const { presence: bobPresence } = await connectVia(node(0), guest);
      expect(alicePresence.room.name).toBe(owner.room);
      expect(byName(bobPresence.members)).toEqual([member('alice', 'online', true), member('bob', 'online')]);
    });

    it('lets a second connection on another process replace the first: session:end replaced, then closed, no departure', async () => {
      const { sessions, clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)]]);
      const [alice, oldBob] = clients as [ChatClient, ChatClient];
      const { client: newBob, presence } = await connectVia(node(2), sessions[1]!);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member('bob', 'online')]);
      expect(await oldBob.next<SessionEndEvent>(ServerEvent.SessionEnd)).toEqual({ reason: 'replaced' });
      await oldBob.disconnected();
      const sent = await sendOk(alice);
      expect((await newBob.next<RelayedMessage>(ServerEvent.Message)).id).toBe(sent.id);
      await oldBob.none(ServerEvent.Message, 200);
      await alice.none(ServerEvent.Member, 300);
    });

    it('on leave, tells members on another process left (reason left) promptly, then ends and closes the socket', async () => {
      const { clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)]]);
      const [alice, bob] = clients as [ChatClient, ChatClient];
      expect(await bob.emitWithAck<LeaveAck>(ClientEvent.Leave)).toEqual({ ok: true });
      expect(await alice.next<MemberEvent>(ServerEvent.Member, () => true, PROMPTLY_MS)).toEqual(expectedMember('left', 'bob', 'left'));
      expect(await bob.next<SessionEndEvent>(ServerEvent.SessionEnd)).toEqual({ reason: 'left' });
      await bob.disconnected();
    });

    it("ends a session by DELETE /api/session on a process other than its socket's: left for the others, the socket closed", async () => {
      const { sessions, clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)]]);
      const [alice, bob] = clients as [ChatClient, ChatClient];
      const bobSession = sessions[1]!;
      expect((await deleteSession(node(2), bobSession.token, { from: bobSession.from })).status).toBe(204);
      expect(await alice.next<MemberEvent>(ServerEvent.Member, () => true, PROMPTLY_MS)).toEqual(expectedMember('left', 'bob', 'left'));
      expect(await bob.next<SessionEndEvent>(ServerEvent.SessionEnd)).toEqual({ reason: 'left' });
      await bob.disconnected();
    });

    it('refuses an ended session on every process: connect SESSION_NOT_FOUND, DELETE 401 SESSION_NOT_FOUND', async () => {
      const { sessions, clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)]]);
      const bobSession = sessions[1]!;
      await clients[1]!.emitWithAck(ClientEvent.Leave);
      await clients[0]!.next(ServerEvent.Member, memberEvent('left', 'bob'));
      for (const other of [node(0), node(1), node(2)]) {
        expect(await chatFor(other, bobSession).connectRefusal()).toBe(ErrorCode.SessionNotFound);
        expectError(await deleteSession(other, bobSession.token, { from: bobSession.from }), ErrorCode.SessionNotFound);
      }
    });
  });

  describe('seq across processes', () => {
    const PER_SENDER = 50;

    it('gives every receiver, on every process, each message once, in one gap-free seq order, with the seq and ts of its ack', async () => {
      const placement: [string, ServerProcess][] = [
        ['s0', node(0)], ['s1', node(1)], ['s2', node(2)], ['w0', node(0)], ['w1', node(1)], ['w2', node(2)],
      ];
      const { clients } = await setUpSpreadRoom(placement);
      const senders = clients.slice(0, 3);
      const total = senders.length * PER_SENDER;

      // Every message in flight at once, on three processes: nothing waits for an ack.
      const sent = await Promise.all(
        senders.flatMap((sender, index) =>
          Array.from({ length: PER_SENDER }, async () => {
            const id = newId();
            const ack = await sender.emitWithAckWithin<MessageAck>(20_000, ClientEvent.Message, { id, box: randomBox(48) });
            if (!ack.ok) throw new Error(`message refused: ${JSON.stringify(ack)}`);
            return { id, from: `s${index}`, seq: ack.seq, ts: ack.ts };
          }),
        ),
      );
      const all = Array.from({ length: total }, (_, n) => n + 1);
      expect(sent.map((message) => message.seq).sort((a, b) => a - b)).toEqual(all);

      const byId = new Map(sent.map((message) => [message.id, message]));
      for (const [index, client] of clients.entries()) {
        const name = placement[index]![0];
        const expected = all.filter((seq) => sent.find((message) => message.seq === seq)!.from !== name);
        const received = await nextMessages(client, expected.length);
        expect({ name, seqs: received.map((message) => message.seq) }).toEqual({ name, seqs: expected });
        expect(received.map((message) => ({ id: message.id, from: message.from, seq: message.seq, ts: message.ts }))).toEqual(
          received.map((message) => byId.get(message.id)),
        );
        await client.none(ServerEvent.Message, 100);
      }
    }, SLOW_MS);
  });

  describe('repeated ids across processes', () => {
    it('acks a retry through another process with the first seq and ts and relays the message once', async () => {
      const { sessions, clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(2)]]);
      const [alice, bob] = clients as [ChatClient, ChatClient];
      const first = await sendOk(alice);
      // Alice's connection moves to another process and she retries, as a client does after a failover.
      const { client: movedAlice } = await connectVia(node(1), sessions[0]!);
      await alice.disconnected();
      expect(await movedAlice.emitWithAck<MessageAck>(ClientEvent.Message, { id: first.id, box: randomBox() })).toEqual({ ok: true, seq: first.seq, ts: first.ts });
      const later = await sendOk(movedAlice);
      expect(later.seq).toBe(first.seq + 1);
      expect((await nextMessages(bob, 2)).map((message) => message.id)).toEqual([first.id, later.id]);
    });

    it('acks an id another member already sent through another process with its first seq and ts, without relaying it', async () => {
      const { clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)], ['carol', node(2)]]);
      const [alice, bob, carol] = clients as [ChatClient, ChatClient, ChatClient];
      const first = await sendOk(alice);
      expect(await bob.emitWithAck<MessageAck>(ClientEvent.Message, { id: first.id, box: randomBox() })).toEqual({ ok: true, seq: first.seq, ts: first.ts });
      const later = await sendOk(bob);
      expect((await nextMessages(carol, 2)).map((message) => message.id)).toEqual([first.id, later.id]);
      expect((await alice.next<RelayedMessage>(ServerEvent.Message)).id).toBe(later.id);
    });
  });
});
