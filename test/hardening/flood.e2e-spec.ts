import { apiPaths, ClientEvent, DEFAULT_LIMITS, ErrorCode, ServerEvent, type MessageAck, type RelayedMessage } from '@ciphernest/protocol';
import { connectAs, createRoom, expectError, joinRoom, newId, nextAddress, postRoom, randomBox, randomKdf, randomVerifier, uniqueRoomName } from '../support/builders';
import { ChatClient, closeAllClients, delay } from '../support/chat-client';
import { useServer } from '../support/server-process';
import { Bystanders } from './support/bystanders';
import { expectAlive, expectNoServerErrors, markLog } from './support/server-health';

// Issue 6: a flood from one address does not slow the others (loosely: every message of the
// others is acknowledged, none later than several seconds, and all arrive exactly once). The
// flood itself is held to docs/protocol.md §7's limits: messages per socket, creations and
// connections per address.

const FLOOD_MS = 6_000;
const { rateMessagesPerSec, rateMessagesBurst, rateCreatesPerMin, rateConnectsPerMin } = DEFAULT_LIMITS;

describe('A flood from one address (issue 6)', () => {
  const server = useServer({ DISCONNECT_GRACE_MS: '5000' });

  afterAll(() => {
    closeAllClients();
  });

  it('is held to the message, creation and connection limits while another room chats on undisturbed', async () => {
    const mark = markLog(server());
    const calm = await Bystanders.start(server(), { count: 4, everyMs: 25 });
    // Everything the flooder does comes from one address: its room, its socket, its HTTP and connection floods.
    const floodFrom = nextAddress();
    const floodRoom = await createRoom(server(), { username: 'flooder', from: floodFrom });
    const listenerSession = await joinRoom(server(), floodRoom, { username: 'listener' });
    const { client: flooder } = await connectAs(server(), floodRoom);
    const { client: listener } = await connectAs(server(), listenerSession);
    const heard: RelayedMessage[] = [];
    listener.socket.on(ServerEvent.Message, (message: RelayedMessage) => heard.push(message));

    // 1. Messages: bursts of 100 from one socket, as fast as the client can write them.
    const startedAt = Date.now();
    const accepted: { id: string; seq: number }[] = [];
    const refused: string[] = [];
    const messageFlood = (async () => {
      while (Date.now() - startedAt < FLOOD_MS) {
        const burst = Array.from({ length: 100 }, async () => {
          const id = newId();
          const ack = await flooder.emitWithAckWithin<MessageAck>(10_000, ClientEvent.Message, { id, box: randomBox(256) });
          if (ack.ok) accepted.push({ id, seq: ack.seq });
          else refused.push(ack.error.code);
        });
        await Promise.all(burst);
      }
    })();

    // 2. Room creations from one address, far beyond RATE_CREATES_PER_MIN.
    const creations = (async () => {
      const statuses: number[] = [];
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            postRoom(server(), { room: uniqueRoomName('flood'), username: 'flooder', verifier: randomVerifier(), kdf: randomKdf() }, { from: floodFrom }),
          ),
        );
        for (const res of answers) {
          statuses.push(res.status);
          if (res.status === 429) expectError(res, ErrorCode.RateLimited);
        }
      }
      return statuses;
    })();

    // 3. Socket.IO connections from one address, beyond RATE_CONNECTS_PER_MIN (with a bad token: the rate check comes first).
    const connections = (async () => {
      const codes: (string | undefined)[] = [];
      for (let round = 0; round < 4; round++) {
        codes.push(...(await Promise.all(Array.from({ length: 20 }, () => new ChatClient(server().url, { token: 'v1.flood.flood', from: floodFrom }).connectRefusal(10_000)))));
      }
      return codes;
    })();

    // Meanwhile, someone else creates a room and connects, from an address of their own.
    await delay(1_000);
    const newcomer = await createRoom(server(), { username: 'newcomer' });
    const newcomerClient = new ChatClient(server().url, { token: newcomer.token, from: newcomer.from });
    await newcomerClient.connect(10_000);

    const [statuses, codes] = await Promise.all([creations, connections]);
    await messageFlood;
    const elapsedSeconds = (Date.now() - startedAt) / 1_000;

    // The others were not slowed: every message acknowledged (within 5 s each), each delivered once, in order.
    const { messages } = await calm.stopAndVerify();
    expect(messages).toBeGreaterThan(20);

    // The flood was held to the limits.
    expect(refused.length).toBeGreaterThan(0);
    expect([...new Set(refused)]).toEqual([ErrorCode.RateLimited]);
    expect(accepted.length).toBeGreaterThanOrEqual(rateMessagesBurst);
    expect(accepted.length).toBeLessThanOrEqual(rateMessagesBurst + rateMessagesPerSec * (elapsedSeconds + 1));
    expect(flooder.connected).toBe(true);
    // The flooder's own room was its first creation and its own socket its first connection.
    expect(statuses.filter((status) => status === 201)).toHaveLength(rateCreatesPerMin - 1);
    expect(statuses.filter((status) => status !== 201 && status !== 429)).toEqual([]);
    expect(codes.filter((code) => code === ErrorCode.TokenInvalid)).toHaveLength(rateConnectsPerMin - 1);
    expect(codes.filter((code) => code !== ErrorCode.TokenInvalid && code !== ErrorCode.RateLimited)).toEqual([]);

    // Only what was accepted was relayed, each once, in seq order.
    const deadline = Date.now() + 10_000;
    while (heard.length < accepted.length && Date.now() < deadline) await delay(50);
    expect(heard.map((message) => message.id).sort()).toEqual(accepted.map((message) => message.id).sort());
    expect(heard.map((message) => message.seq)).toEqual([...accepted.map((message) => message.seq)].sort((a, b) => a - b));

    // The flooder's address is now refused; other addresses are not.
    expectError(await postRoom(server(), { room: uniqueRoomName(), username: 'x', verifier: randomVerifier(), kdf: randomKdf() }, { from: floodFrom }), ErrorCode.RateLimited);
    expect((await postRoom(server(), { room: uniqueRoomName(), username: 'x', verifier: randomVerifier(), kdf: randomKdf() })).status).toBe(201);
    expect(server().logs().some((record) => record.event === 'rate.limited' && record['ip'] === floodFrom && record['path'] === apiPaths.rooms())).toBe(true);
    expect(server().logs().some((record) => record.event === 'rate.limited' && record['ip'] === floodFrom && record['limit'] === 'connects')).toBe(true);
    await expectAlive(server());
    expectNoServerErrors(server(), mark);
  }, 60_000);
});
