import {
  ClientEvent,
  DEFAULT_LIMITS,
  ErrorCode,
  ID_MEMORY_COUNT,
  ServerEvent,
  TRANSPORT_OVERHEAD_BYTES,
  type MemberEvent,
  type MessageAck,
  type RelayedMessage,
} from '@ciphernest/protocol';
import { connectAs, createRoom, http, joinRoom, newId, randomBox, setUpRoom } from './support/builders';
import { ChatClient, closeAllClients } from './support/chat-client';
import { expectedMember, memberEvent } from './support/events';
import { useServer } from './support/server-process';

const METRICS_TOKEN = 'realtime-limits-metrics-token-0123456789abcdef';

// docs/protocol.md §5: box size limit, transport limit and slow consumers (§7 MAX_MESSAGE_BYTES, MAX_BUFFERED_BYTES).

const payloadTooLarge = { ok: false, error: { code: ErrorCode.PayloadTooLarge, message: expect.any(String) } };

function send(client: ChatClient, box: Uint8Array, timeoutMs = 10_000): Promise<MessageAck> {
  return client.emitWithAckWithin<MessageAck>(timeoutMs, ClientEvent.Message, { id: newId(), box });
}


describe('Real-time size limits and slow consumers (docs/protocol.md §5, §7)', () => {
  afterEach(closeAllClients);

  describe('with MAX_MESSAGE_BYTES=65536 and MAX_BUFFERED_BYTES=1 MiB', () => {
    const MAX = 65_536;
    const BUFFERED = 1_048_576;
    const server = useServer({
      DISCONNECT_GRACE_MS: '5000',
      MAX_MESSAGE_BYTES: String(MAX),
      MAX_BUFFERED_BYTES: String(BUFFERED),
      RATE_MESSAGES_PER_SEC: '0',
      METRICS_TOKEN,
    });

    it('accepts a box of exactly MAX_MESSAGE_BYTES and relays it intact', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const box = randomBox(MAX);
      expect((await send(clients[0], box)).ok).toBe(true);
      const relayed = await clients[1].next<RelayedMessage>(ServerEvent.Message);
      expect(Buffer.from(relayed.box as Uint8Array).equals(box)).toBe(true);
    });

    it('refuses a box one byte over with PAYLOAD_TOO_LARGE and keeps the socket open', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, bob] = clients;
      expect(await send(alice, randomBox(MAX + 1))).toEqual(payloadTooLarge);
      expect(alice.connected).toBe(true);
      const next = await send(alice, randomBox(100));
      expect(next).toEqual({ ok: true, seq: 1, ts: expect.any(Number) });
      expect((await bob.next<RelayedMessage>(ServerEvent.Message)).seq).toBe(1);
    });

    it('closes the socket on a frame over MAX_MESSAGE_BYTES + 64 KiB; the others see the member away', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, bob] = clients;
      alice.emit(ClientEvent.Message, { id: newId(), box: randomBox(MAX + TRANSPORT_OVERHEAD_BYTES + 1_024) });
      await alice.disconnected(5_000);
      expect(await bob.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'alice'))).toEqual(expectedMember('away', 'alice'));
    });

    it(`remembers an id accepted within the last 60 s even after more than ${ID_MEMORY_COUNT} newer messages`, async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      const [alice] = clients;
      const id = newId();
      const first = await alice.emitWithAck<MessageAck>(ClientEvent.Message, { id, box: randomBox(32) });
      expect(first.ok).toBe(true);
      for (let sent = 0; sent < ID_MEMORY_COUNT + 100; sent += 100) {
        const acks = await Promise.all(Array.from({ length: 100 }, () => send(alice, randomBox(32))));
        expect(acks.filter((ack) => !ack.ok)).toEqual([]);
      }
      expect(await alice.emitWithAck<MessageAck>(ClientEvent.Message, { id, box: randomBox(32) })).toEqual(first);
    });

    it('closes a socket whose unsent queue passes MAX_BUFFERED_BYTES, logs socket.slow_consumer (warn), and the others see it away', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, stalled] = clients;
      const raw = stalled.requireTcpSocket();
      raw.pause(); // bob stops reading: first the kernel buffers fill, then the server's queue grows

      const box = randomBox(60_000);
      const limitBytes = 64 * 1024 * 1024; // far more than any kernel buffer plus MAX_BUFFERED_BYTES
      let sentBytes = 0;
      let away: MemberEvent | undefined;
      alice.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'bob'), 60_000).then((event) => (away = event), () => undefined);
      while (!away && sentBytes < limitBytes) {
        const batch = Array.from({ length: 16 }, () => send(alice, box));
        const acks = await Promise.all(batch);
        expect(acks.every((ack) => ack.ok)).toBe(true);
        sentBytes += batch.length * box.length;
      }
      expect(away).toEqual(expectedMember('away', 'bob'));
      const logged = await server().waitForLog((record) => record.event === 'socket.slow_consumer');
      expect(logged.level).toBe('warn');
      expect(alice.connected).toBe(true);
      // ... and counts it for Prometheus (docker/prometheus/alerts.yml, CipherNestSlowConsumers).
      const scraped = await http(server()).get('/metrics', { token: METRICS_TOKEN, headers: { Accept: 'text/plain' } });
      expect(Number(/^ciphernest_slow_consumers_total (\d+)$/m.exec(scraped.text)?.[1])).toBe(1);
      raw.resume();
    }, 60_000);
  });

  describe('with the default MAX_MESSAGE_BYTES (8 MiB)', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '5000' });

    it('accepts a box of exactly 8 MiB', async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      expect(DEFAULT_LIMITS.maxMessageBytes).toBe(8_388_608);
      expect((await send(clients[0], randomBox(DEFAULT_LIMITS.maxMessageBytes), 20_000)).ok).toBe(true);
    });

    it('refuses 8 MiB + 1 byte with PAYLOAD_TOO_LARGE', async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      expect(await send(clients[0], randomBox(DEFAULT_LIMITS.maxMessageBytes + 1), 20_000)).toEqual(payloadTooLarge);
      expect(clients[0].connected).toBe(true);
    });

    // Long-polling carries binary as base64, about 4/3 larger: the limit must hold for the box, not its encoding.
    describe('over long-polling (requests from Node come from 127.0.0.1)', () => {
      /**
       * Closes a long-polling client and waits until its last poll has been answered: a poll
       * still open when the server stops fails, and engine.io-client then writes again after
       * jest has torn the file's environment down.
       */
      async function closePolling(client: ChatClient): Promise<void> {
        const engine = client.socket.io.engine;
        const closed = new Promise<void>((resolveClose) => engine.once('close', () => resolveClose()));
        client.disconnect();
        await closed;
        const name = client.options.token === undefined ? undefined : pollers.get(client.options.token);
        await server().waitForLog((record) => record.event === 'socket.disconnected' && record['user'] === name);
      }

      /** Each poller's username by its token, so that the log line of its own disconnect is awaited. */
      const pollers = new Map<string, string>();

      async function pollingPair(): Promise<{ poller: ChatClient; bob: ChatClient }> {
        const username = `poller${pollers.size + 1}`;
        const owner = await createRoom(server(), { username, from: '127.0.0.1' });
        pollers.set(owner.token, username);
        const bobSession = await joinRoom(server(), owner, { username: 'bob' });
        const bob = (await connectAs(server(), bobSession)).client;
        const poller = await new ChatClient(server().url, { token: owner.token, transports: ['polling'] }).connect();
        await poller.next(ServerEvent.Presence);
        return { poller, bob };
      }

      it('accepts a box of exactly 8 MiB and relays it intact', async () => {
        const { poller, bob } = await pollingPair();
        const box = randomBox(DEFAULT_LIMITS.maxMessageBytes);
        expect((await send(poller, box, 30_000)).ok).toBe(true);
        const relayed = await bob.next<RelayedMessage>(ServerEvent.Message, () => true, 30_000);
        expect(Buffer.from(relayed.box as Uint8Array).equals(box)).toBe(true);
        await closePolling(poller);
      }, 60_000);

      it('refuses 8 MiB + 1 byte with PAYLOAD_TOO_LARGE and keeps the connection', async () => {
        const { poller } = await pollingPair();
        expect(await send(poller, randomBox(DEFAULT_LIMITS.maxMessageBytes + 1), 30_000)).toEqual(payloadTooLarge);
        expect(poller.connected).toBe(true);
        expect((await send(poller, randomBox(100))).ok).toBe(true);
        await closePolling(poller);
      }, 60_000);
    });
  });
});
