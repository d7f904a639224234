import {
  ClientEvent,
  ErrorCode,
  ServerEvent,
  type MemberEvent,
  type MessageAck,
  type RelayedMessage,
  type SessionEndEvent,
} from '@ciphernest/protocol';
import { chatFor, connectAs, createRoom, deleteSession, expectError, getKdf, joinRoom, newId, randomBox, randomKdf, randomVerifier, setUpRoom } from '../support/builders';
import { type ChatClient, closeAllClients, delay } from '../support/chat-client';
import { expectedMember, memberEvent } from '../support/events';
import { ServerProcess } from '../support/server-process';
import { Bystanders } from './support/bystanders';
import { closeAllRawSockets, RawSocket } from './support/raw-socket';
import { expectAlive, expectNoServerErrors, markLog, MiB, rssBytes } from './support/server-health';

// Issue 6, faults: a restart in the middle of a chat, a client whose network dies (it stops
// answering pings), and a reader that stops reading while the others keep talking.

const VOIDED = [ErrorCode.TokenInvalid, ErrorCode.SessionNotFound];

/** Sends `count` messages from `sender`, at most `inFlight` awaiting their acks at a time; returns the acks in order. */
async function sendMany(sender: ChatClient, count: number, boxBytes: number, inFlight = 16): Promise<{ id: string; ack: MessageAck }[]> {
  const results: { id: string; ack: MessageAck }[] = [];
  for (let sent = 0; sent < count; sent += inFlight) {
    const batch = Array.from({ length: Math.min(inFlight, count - sent) }, async () => {
      const id = newId();
      return { id, ack: await sender.emitWithAckWithin<MessageAck>(20_000, ClientEvent.Message, { id, box: randomBox(boxBytes) }) };
    });
    results.push(...(await Promise.all(batch)));
  }
  return results;
}


/** Collects every relayed message a client gets, from now on. */
function recordMessages(client: ChatClient): RelayedMessage[] {
  const received: RelayedMessage[] = [];
  client.socket.on(ServerEvent.Message, (message: RelayedMessage) => received.push(message));
  return received;
}

describe('Faults (issue 6)', () => {
  afterEach(() => {
    closeAllClients();
    closeAllRawSockets();
  });

  describe('a server restart in the middle of a chat', () => {
    let before: ServerProcess | undefined;
    let after: ServerProcess | undefined;

    afterAll(async () => {
      await before?.kill();
      await after?.kill();
    });

    it('tells every client `shutdown`, refuses every old token afterwards, and a fresh create and join work on the same address', async () => {
      before = await ServerProcess.start({ DISCONNECT_GRACE_MS: '60000' });
      const { room, sessions, clients } = await setUpRoom(before, ['alice', 'bob', 'carol']);
      const [alice, bob, carol] = clients as [ChatClient, ChatClient, ChatClient];

      // Mid-chat: alice keeps talking while the server is told to stop.
      let talking = true;
      const acked: number[] = [];
      const chatter = (async () => {
        while (talking && alice.connected) {
          try {
            const ack = await alice.emitWithAckWithin<MessageAck>(2_000, ClientEvent.Message, { id: newId(), box: randomBox(64) });
            if (ack.ok) acked.push(ack.seq);
          } catch {
            return;
          }
          await delay(20);
        }
      })();
      while (acked.length < 5) await delay(20);
      const stopped = before.stop('SIGTERM', 10_000);
      for (const client of [alice, bob, carol]) {
        expect(await client.next<SessionEndEvent>(ServerEvent.SessionEnd, () => true, 5_000)).toEqual({ reason: 'shutdown' });
        await client.disconnected(5_000);
      }
      talking = false;
      await chatter;
      expect(await stopped).toEqual({ code: 0, signal: null, killed: false });
      expect(before.logs().map((record) => record.event)).toEqual(expect.arrayContaining(['server.stopping', 'server.stopped']));
      // Every message acknowledged before the stop reached the others, once each and in order.
      for (const listener of [bob, carol]) {
        const seqs = listener.timeline().filter((entry) => entry.event === ServerEvent.Message).map((entry) => (entry.args[0] as RelayedMessage).seq);
        expect(acked.filter((seq) => !seqs.includes(seq))).toEqual([]);
        expect(seqs.every((seq, index) => index === 0 || seq > seqs[index - 1]!)).toBe(true);
      }

      after = await ServerProcess.start({ DISCONNECT_GRACE_MS: '60000', PORT: String(before.port) });
      expect(after.url).toBe(before.url);
      for (const session of sessions) {
        expect(VOIDED).toContain(await chatFor(after, session).connectRefusal());
        const res = await deleteSession(after, session.token, { from: session.from });
        expect(VOIDED).toContain(res.body?.code);
        expectError(res, res.body.code);
      }
      expectError(await getKdf(after, room), ErrorCode.RoomNotFound);

      // The clean way back: the same people, the same room name, a new password.
      const owner = await createRoom(after, { room, username: 'alice', from: sessions[0]!.from, verifier: randomVerifier(), kdf: randomKdf() });
      const guests = [await joinRoom(after, owner, { username: 'bob', from: sessions[1]!.from }), await joinRoom(after, owner, { username: 'carol', from: sessions[2]!.from })];
      const { client: alice2, presence } = await connectAs(after, owner);
      expect(presence.room.name).toBe(room);
      const bob2 = (await connectAs(after, guests[0]!)).client;
      const carol2 = (await connectAs(after, guests[1]!)).client;
      const ack = await alice2.emitWithAck<MessageAck>(ClientEvent.Message, { id: newId(), box: randomBox(64) });
      expect(ack).toEqual({ ok: true, seq: 1, ts: expect.any(Number) });
      for (const listener of [bob2, carol2]) expect((await listener.next<RelayedMessage>(ServerEvent.Message)).seq).toBe(1);
      expectNoServerErrors(after, { records: 0, lines: 0 });
    }, 60_000);
  });

  describe('a client that stops answering pings', () => {
    let server: ServerProcess | undefined;
    const GRACE_MS = 3_000;

    afterAll(async () => {
      await server?.kill();
    });

    it('is reported away within pingInterval + pingTimeout, then left (timeout) after the grace', async () => {
      server = await ServerProcess.start({ DISCONNECT_GRACE_MS: String(GRACE_MS) });
      const owner = await createRoom(server, { username: 'watcher' });
      const { client: watcher } = await connectAs(server, owner);
      const silentSession = await joinRoom(server, owner, { username: 'silent' });
      const silent = await RawSocket.open(server.url, { from: silentSession.from, answerPings: false });
      const { pingInterval, pingTimeout } = silent.handshake!;
      expect({ pingInterval, pingTimeout }).toEqual({ pingInterval: 10_000, pingTimeout: 5_000 });
      const openedAt = silent.frames[0]!.at;
      expect((await silent.connectNamespace('/chat', { token: silentSession.token })).ok).toBe(true);
      await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('joined', 'silent'));

      // The server pings after pingInterval; the silent client never answers.
      const ping = await silent.nextFrame((frame) => frame.text === '2', pingInterval + 5_000);
      const away = await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'silent'), pingTimeout + 5_000);
      expect(away).toEqual(expectedMember('away', 'silent'));
      // Bounds, not speed: away comes after the unanswered ping and within interval + timeout (+ slack for a loaded machine).
      expect(away.at).toBeGreaterThanOrEqual(ping.at - 50);
      expect(away.at - openedAt).toBeLessThanOrEqual(pingInterval + pingTimeout + 3_000);
      const disconnected = await server.waitForLog((record) => record.event === 'socket.disconnected' && record['user'] === 'silent');
      expect(disconnected['reason']).toBe('ping timeout');
      await silent.closedWithin(5_000);

      const left = await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('left', 'silent'), GRACE_MS + 4_000);
      expect(left).toEqual(expectedMember('left', 'silent', 'timeout'));
      expect(left.at - away.at).toBeGreaterThanOrEqual(GRACE_MS);
      expect(VOIDED).toContain(await chatFor(server, silentSession).connectRefusal());
      // The watcher, online and answering pings all along, is still there.
      expect(watcher.connected).toBe(true);
      expect((await watcher.emitWithAck<MessageAck>(ClientEvent.Message, { id: newId(), box: randomBox(40) })).ok).toBe(true);
      await expectAlive(server);
      expectNoServerErrors(server, { records: 0, lines: 0 });
    }, 30_000);
  });

  describe('a slow consumer that never reads its socket', () => {
    const MAX_BUFFERED_BYTES = 256 * 1024;
    const BOX_BYTES = 32 * 1024;
    /** Sent in all: far more than the stalled reader's buffers could ever hold if they were unbounded. */
    const TOTAL_BYTES = 128 * MiB;
    let server: ServerProcess | undefined;

    afterAll(async () => {
      await server?.kill();
    });

    it('is cut off with socket.slow_consumer once MAX_BUFFERED_BYTES wait for it, while the others keep chatting and the server stays bounded', async () => {
      server = await ServerProcess.start({
        DISCONNECT_GRACE_MS: '15000',
        MAX_MESSAGE_BYTES: '65536',
        MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
        RATE_MESSAGES_PER_SEC: '0',
        LOG_LEVEL: 'info',
        // Held messages for resuming (docs/protocol.md §5.1) are bounded by limits of their own
        // (replay-limits.e2e-spec.ts); kept small here so the memory bound below measures the
        // stalled reader's queue alone.
        REPLAY_MAX_BYTES: String(MiB),
        REPLAY_MAX_TOTAL_BYTES: String(MiB),
      });
      const mark = markLog(server);
      const bystanders = await Bystanders.start(server, { everyMs: 20 });
      const { sessions, clients } = await setUpRoom(server, ['alice', 'carol', 'stalled']);
      const [alice, carol, stalled] = clients as [ChatClient, ChatClient, ChatClient];
      const carolGot = recordMessages(carol);
      const baseline = rssBytes(server);

      const tcp = stalled.requireTcpSocket();
      tcp.pause(); // stalled stops reading: its kernel buffers fill, then the server's queue for it grows

      let peak = baseline;
      const sampler = setInterval(() => {
        if (!server!.hasExited) peak = Math.max(peak, rssBytes(server!));
      }, 50);
      let results: { id: string; ack: MessageAck }[];
      try {
        results = await sendMany(alice, TOTAL_BYTES / BOX_BYTES, BOX_BYTES);
      } finally {
        clearInterval(sampler);
      }

      expect(results.filter((result) => !result.ack.ok)).toEqual([]);
      const cut = await server.waitForLog((record) => record.event === 'socket.slow_consumer');
      expect({ level: cut.level, user: cut['user'] }).toEqual({ level: 'warn', user: 'stalled' });
      // Bounded: the queue is checked before each packet, so it never holds more than the limit plus one relayed message.
      expect(cut['bytes']).toBeGreaterThan(MAX_BUFFERED_BYTES);
      expect(cut['bytes']).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + BOX_BYTES + 4 * 1024);
      expect(await alice.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'stalled'), 10_000)).toEqual(expectedMember('away', 'stalled'));
      expect(await carol.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'stalled'), 10_000)).toEqual(expectedMember('away', 'stalled'));

      // The reader that kept reading got everything, exactly once, in order, while the stalled one was stuck.
      const deadline = Date.now() + 20_000;
      while (carolGot.length < results.length && Date.now() < deadline) await delay(50);
      expect(carolGot.map((message) => message.id)).toEqual(results.map((result) => result.id));
      expect(carolGot.map((message) => message.seq)).toEqual(results.map((result) => (result.ack.ok ? result.ack.seq : -1)));

      // Memory: had the stalled reader's queue been unbounded, it alone would have held ~TOTAL_BYTES.
      expect({ peakGrowthMiB: Math.round((peak - baseline) / MiB) }).toEqual({ peakGrowthMiB: expect.any(Number) });
      expect(peak - baseline).toBeLessThan(TOTAL_BYTES / 2);

      // Alice and carol talk on, both ways.
      expect((await carol.emitWithAck<MessageAck>(ClientEvent.Message, { id: newId(), box: randomBox(64) })).ok).toBe(true);
      expect((await alice.next<RelayedMessage>(ServerEvent.Message)).from).toBe('carol');

      // The stalled client may come back within the grace.
      tcp.resume();
      await stalled.disconnected(10_000);
      const { client: back } = await connectAs(server, sessions[2]!);
      expect(await alice.next<MemberEvent>(ServerEvent.Member, memberEvent('back', 'stalled'), 5_000)).toEqual(expectedMember('back', 'stalled'));
      back.disconnect();

      await bystanders.stopAndVerify();
      await expectAlive(server);
      expectNoServerErrors(server, mark);
    }, 90_000);
  });
});
