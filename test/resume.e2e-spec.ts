import { ClientEvent, ErrorCode, ServerEvent, type PresenceEvent } from '@ciphernest/protocol';
import { connectAs, createRoom, joinRoom, setUpRoom, uniqueRoomName } from './support/builders';
import { type ChatClient, closeAllClients, delay } from './support/chat-client';
import {
  arrivalsOf,
  awaitSeq,
  expectRelayed,
  goAway,
  messagesOf,
  resumeAs,
  resumingClient,
  sendMessage,
  seqsOf,
  type SentMessage,
} from './support/replay-client';
import { useServer } from './support/server-process';

// docs/protocol.md §5.1 with the default hold (REPLAY_MS 30 s): a resuming socket gets, after
// its presence, every held message above its `resume` that another session sent since its own
// began, in seq order and once, then the live stream. The limits of §7 (REPLAY_*): replay-limits.

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

describe('Resume (docs/protocol.md §5.1)', () => {
  const server = useServer({ DISCONNECT_GRACE_MS: '30000', RATE_CONNECTS_PER_MIN: '0', RATE_MESSAGES_PER_SEC: '0' });
  afterEach(closeAllClients);

  it('replays what several others sent while it was away, after presence, in seq order and exactly as relayed, then the live stream', async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob', 'carol', 'dave']);
    const [alice, bob, carol, dave] = clients;
    const first = await sendMessage(alice, 'alice');
    await awaitSeq(dave, first.seq);
    await goAway(dave, 'dave', alice);
    const meanwhile: SentMessage[] = [];
    for (const [client, name] of [[bob, 'bob'], [carol, 'carol'], [alice, 'alice'], [carol, 'carol'], [bob, 'bob']] as const) {
      meanwhile.push(await sendMessage(client, name, 100 + meanwhile.length));
    }

    const back = await resumeAs(server(), sessions[3], first.seq);
    const live = await sendMessage(carol, 'carol');
    await awaitSeq(back, live.seq);

    expect(arrivalsOf(back)).toEqual(['presence', ...[...meanwhile, live].map(({ seq }) => `message ${seq}`)]);
    messagesOf(back).forEach((received, index) => expectRelayed(received, [...meanwhile, live][index]));
  });

  it('sends a first connection with resume 0 what was relayed between its join and that connection, and nothing from before its join', async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice']);
    const before = await sendMessage(clients[0], 'alice');
    const bob = await joinRoom(server(), sessions[0], { username: 'bob' });
    const between = [await sendMessage(clients[0], 'alice'), await sendMessage(clients[0], 'alice')];

    const client = await resumeAs(server(), bob, 0);
    const live = await sendMessage(clients[0], 'alice');
    await awaitSeq(client, live.seq);

    expect(before.seq).toBeLessThan(between[0].seq);
    expect(seqsOf(client)).toEqual([between[0].seq, between[1].seq, live.seq]);
    expect(client.eventNames()).not.toContain(ServerEvent.Missed);
  });

  it('replays nothing to a socket without resume (a client that kept nothing)', async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
    await goAway(clients[1], 'bob', clients[0]);
    await sendMessage(clients[0], 'alice');

    const back = await resumeAs(server(), sessions[1], undefined);
    const live = await sendMessage(clients[0], 'alice');
    await awaitSeq(back, live.seq);

    expect(arrivalsOf(back)).toEqual(['presence', `message ${live.seq}`]);
  });

  it('answers each of several resumes from the seq it names, replaying again what a lower resume asks for', async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
    const [alice, bob] = clients;
    await goAway(bob, 'bob', alice);
    const one = [await sendMessage(alice, 'alice'), await sendMessage(alice, 'alice')];
    const first = await resumeAs(server(), sessions[1], 0);
    await awaitSeq(first, one[1].seq);
    await goAway(first, 'bob', alice);
    const two = [await sendMessage(alice, 'alice'), await sendMessage(alice, 'alice')];

    const second = await resumeAs(server(), sessions[1], one[1].seq);
    await awaitSeq(second, two[1].seq);
    await goAway(second, 'bob', alice);
    const third = await resumeAs(server(), sessions[1], 0);
    await awaitSeq(third, two[1].seq);

    expect(seqsOf(first)).toEqual(one.map(({ seq }) => seq));
    expect(seqsOf(second)).toEqual(two.map(({ seq }) => seq));
    expect(seqsOf(third)).toEqual([...one, ...two].map(({ seq }) => seq));
  });

  it("never replays a member's own messages", async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
    const [alice, bob] = clients;
    const sent = [await sendMessage(bob, 'bob'), await sendMessage(alice, 'alice'), await sendMessage(bob, 'bob'), await sendMessage(alice, 'alice'), await sendMessage(bob, 'bob')];
    await goAway(bob, 'bob', alice);

    const back = await resumeAs(server(), sessions[1], 0);
    const live = await sendMessage(alice, 'alice');
    await awaitSeq(back, live.seq);

    expect(arrivalsOf(back)).toEqual(['presence', `message ${sent[1].seq}`, `message ${sent[3].seq}`, `message ${live.seq}`]);
  });

  it.each([0, 1, MAX_SEQ])('sends a newcomer nothing from before its session, with resume %p', async (resume) => {
    const { sessions, clients } = await setUpRoom(server(), ['alice']);
    await sendMessage(clients[0], 'alice');
    await sendMessage(clients[0], 'alice');
    const bob = await joinRoom(server(), sessions[0], { username: 'bob' });

    const client = await resumeAs(server(), bob, resume);
    const live = await sendMessage(clients[0], 'alice');
    await awaitSeq(client, live.seq);

    expect(arrivalsOf(client)).toEqual(['presence', `message ${live.seq}`]);
  });

  it("counts a resume above the room's latest seq as the latest: nothing replayed, nothing missed, the next live message arrives", async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
    await goAway(clients[1], 'bob', clients[0]);
    const meanwhile = await sendMessage(clients[0], 'alice');

    const back = await resumeAs(server(), sessions[1], meanwhile.seq + 1_000);
    const live = await sendMessage(clients[0], 'alice');
    await awaitSeq(back, live.seq);

    expect(arrivalsOf(back)).toEqual(['presence', `message ${live.seq}`]);
  });

  it('takes over a connection that is still open: the old one hears replaced, the new one gets what it asks for and then the live stream', async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
    const [alice, bob] = clients;
    const seen = await sendMessage(alice, 'alice');
    await awaitSeq(bob, seen.seq);
    const unseen = await sendMessage(alice, 'alice');

    const second = await resumeAs(server(), sessions[1], seen.seq);
    expect(await bob.next(ServerEvent.SessionEnd)).toEqual({ reason: 'replaced' });
    const live = await sendMessage(alice, 'alice');
    await awaitSeq(second, live.seq);

    expect(arrivalsOf(second)).toEqual(['presence', `message ${unseen.seq}`, `message ${live.seq}`]);
    expect(seqsOf(bob)).not.toContain(live.seq);
  });

  it('loses nothing, doubles nothing and reorders nothing while a member drops and resumes again and again under a stream from two senders', async () => {
    const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob', 'carol']);
    const [alice, , carol] = clients;
    const others: SentMessage[] = [];
    const own: SentMessage[] = [];
    let sending = true;
    const keepSending = async (client: ChatClient, name: string): Promise<void> => {
      while (sending) others.push(await sendMessage(client, name));
    };
    const streams = [keepSending(alice, 'alice'), keepSending(carol, 'carol')];
    const connections = [clients[1]];
    for (let cycle = 0; cycle < 12; cycle++) {
      const current = connections.at(-1)!;
      await delay(20 + Math.random() * 80);
      if (cycle % 3 === 1) own.push(await sendMessage(current, 'bob'));
      // What a client keeps: the highest seq it received, or of its own that were acknowledged.
      const highest = Math.max(0, ...connections.flatMap(seqsOf), ...own.map(({ seq }) => seq));
      if (cycle % 2 === 0) current.disconnect();
      else current.requireTcpSocket().destroy();
      connections.push(await resumeAs(server(), sessions[1], highest));
    }
    sending = false;
    await Promise.all(streams);
    const last = await sendMessage(alice, 'alice');
    await awaitSeq(connections.at(-1)!, last.seq);

    const expected = [...others, last].sort((a, b) => a.seq - b.seq);
    const received = connections.flatMap(messagesOf);
    expect(others.length).toBeGreaterThan(50);
    expect(received.map(({ seq }) => seq)).toEqual(expected.map(({ seq }) => seq));
    received.forEach((message, index) => expectRelayed(message, expected[index]));
    expect(connections.flatMap((connection) => connection.eventNames())).not.toContain(ServerEvent.Missed);
  }, 60_000);

  it('forgets held messages with their room: a new room of the same name replays nothing of the old one', async () => {
    const room = uniqueRoomName('held');
    const old = await setUpRoom(server(), ['alice', 'bob'], { room });
    for (let count = 0; count < 3; count++) await sendMessage(old.clients[0], 'alice');
    for (const client of old.clients) expect(await client.emitWithAck(ClientEvent.Leave)).toEqual({ ok: true });
    await server().waitForLog((record) => record.event === 'room.deleted' && record['room'] === room, 10_000);

    const carol = await createRoom(server(), { room, username: 'carol' });
    const dave = await joinRoom(server(), carol, { username: 'dave' });
    const { client: carolClient } = await connectAs(server(), carol);
    const fresh = await resumeAs(server(), dave, 0);
    const live = await sendMessage(carolClient, 'carol');
    await awaitSeq(fresh, live.seq);

    expect(live.seq).toBe(1);
    expect(arrivalsOf(fresh)).toEqual(['presence', 'message 1']);
  });

  describe('a malformed resume', () => {
    it.each([null, 'text', '3', 1.5, -1, 2 ** 53, {}, [], true])('is refused with VALIDATION_FAILED: %p', async (resume) => {
      const { sessions } = await setUpRoom(server(), ['alice', 'bob']);
      const refused = resumingClient(server(), sessions[1], resume);
      expect(await refused.connectRefusal()).toBe(ErrorCode.ValidationFailed);
      refused.disconnect();
    });

    it('leaves the session as it was: a valid resume connects afterwards', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      await goAway(clients[1], 'bob', clients[0]);
      const refused = resumingClient(server(), sessions[1], -1);
      expect(await refused.connectRefusal()).toBe(ErrorCode.ValidationFailed);
      refused.disconnect();

      const back = resumingClient(server(), sessions[1], MAX_SEQ);
      await back.connect();
      expect((await back.next<PresenceEvent>(ServerEvent.Presence)).members).toContainEqual({ name: 'bob', status: 'online', creator: false });
    });
  });
});
