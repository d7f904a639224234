import { ClientEvent, ServerEvent, type ReceiptEvent, type TypingEvent } from '@ciphernest/protocol';
import { setUpRoom, type RoomSetUp } from './support/builders';
import { type ChatClient, closeAllClients, delay } from './support/chat-client';
import { goAway, resumeAs, sendMessage } from './support/replay-client';
import { useServer } from './support/server-process';

// docs/protocol.md §5.2: `received { seq, missed? }` is relayed to the others as exactly
// `{ name, seq }` or `{ name, seq, missed }` when seq is an integer above the session's last
// relayed receipt (across its connections) and not above the room's latest seq, and missed (where present) satisfies
// 1 <= from <= to <= seq; anything else is dropped silently. Never echoed to its sender, never
// answered, and only relayed receipts take from the typing bucket.

/** A room of alice, bob and carol in which alice has sent `messages` messages. */
async function roomWithMessages(server: Parameters<typeof setUpRoom>[0], messages: number): Promise<RoomSetUp> {
  const room = await setUpRoom(server, ['alice', 'bob', 'carol']);
  for (let count = 0; count < messages; count++) await sendMessage(room.clients[0], 'alice');
  return room;
}

/** Waits for `name`'s receipt with `seq` at `client`. */
function receiptOf(client: ChatClient, name: string, seq: number): Promise<ReceiptEvent> {
  return client.next<ReceiptEvent>(ServerEvent.Received, (receipt) => receipt.name === name && receipt.seq === seq, 10_000);
}

/** Every receipt `client` got so far, in order. */
function receiptsAt(client: ChatClient): ReceiptEvent[] {
  return client
    .timeline()
    .filter((entry) => entry.event === ServerEvent.Received)
    .map((entry) => entry.args[0] as ReceiptEvent);
}

describe('Delivery receipts (docs/protocol.md §5.2)', () => {
  afterEach(closeAllClients);

  describe('with the default limits', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '30000' });

    it('relays a receipt to every other member as exactly { name, seq }, and not to its sender', async () => {
      const { clients } = await roomWithMessages(server(), 2);
      const [alice, bob, carol] = clients;
      bob.emit(ClientEvent.Received, { seq: 2 });
      for (const other of [alice, carol]) expect(await receiptOf(other, 'bob', 2)).toEqual({ name: 'bob', seq: 2 });
      // carol's receipt reaches bob after anything bob's own would have sent him.
      carol.emit(ClientEvent.Received, { seq: 1 });
      await receiptOf(bob, 'carol', 1);

      expect(receiptsAt(bob)).toEqual([{ name: 'carol', seq: 1 }]);
    });

    it('relays a receipt with a valid missed as exactly { name, seq, missed: { from, to } }', async () => {
      const { clients } = await roomWithMessages(server(), 4);
      clients[1].emit(ClientEvent.Received, { seq: 4, missed: { from: 1, to: 3 } });

      expect(await receiptOf(clients[0], 'bob', 4)).toEqual({ name: 'bob', seq: 4, missed: { from: 1, to: 3 } });
    });

    it('never relays extra fields, nor a name the sender chose', async () => {
      const { clients } = await roomWithMessages(server(), 2);
      clients[1].emit(ClientEvent.Received, { seq: 2, name: 'mallory', extra: 'x', missed: { from: 2, to: 2, extra: 'y' } });

      expect(await receiptOf(clients[0], 'bob', 2)).toEqual({ name: 'bob', seq: 2, missed: { from: 2, to: 2 } });
    });

    it("counts a session's last receipt across its connections: after a reconnect a lower one is dropped", async () => {
      const { clients, sessions } = await roomWithMessages(server(), 3);
      const [alice, bob] = clients;
      bob.emit(ClientEvent.Received, { seq: 2 });
      await receiptOf(alice, 'bob', 2);
      await goAway(bob, 'bob', alice);
      const again = await resumeAs(server(), sessions[1], 2);
      for (const seq of [1, 2, 3]) again.emit(ClientEvent.Received, { seq });
      await receiptOf(alice, 'bob', 3);

      expect(receiptsAt(alice)).toEqual([{ name: 'bob', seq: 2 }, { name: 'bob', seq: 3 }]);
    });

    it("relays only receipts above the session's last one", async () => {
      const { clients } = await roomWithMessages(server(), 3);
      for (const seq of [2, 1, 2, 3]) clients[1].emit(ClientEvent.Received, { seq });
      await receiptOf(clients[0], 'bob', 3);

      expect(receiptsAt(clients[0])).toEqual([{ name: 'bob', seq: 2 }, { name: 'bob', seq: 3 }]);
    });

    it("drops a receipt above the room's latest seq, which takes nothing from the later ones", async () => {
      const { clients } = await roomWithMessages(server(), 2);
      clients[1].emit(ClientEvent.Received, { seq: 3 });
      clients[1].emit(ClientEvent.Received, { seq: 1 });
      await receiptOf(clients[0], 'bob', 1);
      await sendMessage(clients[0], 'alice');
      clients[1].emit(ClientEvent.Received, { seq: 3 });
      await receiptOf(clients[0], 'bob', 3);

      expect(receiptsAt(clients[0])).toEqual([{ name: 'bob', seq: 1 }, { name: 'bob', seq: 3 }]);
    });

    it('drops malformed receipts silently, and none of them raises the last receipt', async () => {
      const { clients } = await roomWithMessages(server(), 2);
      const malformed: unknown[] = [
        null, 'text', 2, [2], {}, { seq: 0 }, { seq: -1 }, { seq: 1.5 }, { seq: '2' }, { seq: null }, { seq: 2 ** 53 },
        { seq: 2, missed: { from: 2, to: 1 } }, { seq: 1, missed: { from: 1, to: 2 } }, { seq: 2, missed: { from: 0, to: 1 } },
        { seq: 2, missed: { from: 1.5, to: 2 } }, { seq: 2, missed: { from: 1, to: 1.5 } }, { seq: 2, missed: { from: '1', to: 2 } },
        { seq: 2, missed: null }, { seq: 2, missed: 'x' }, { seq: 2, missed: { from: 1 } }, { seq: 2, missed: [1, 2] },
      ];
      for (const payload of malformed) clients[1].emit(ClientEvent.Received, payload);
      clients[1].emit(ClientEvent.Received, { seq: 1 });
      await receiptOf(clients[0], 'bob', 1);

      expect(receiptsAt(clients[0])).toEqual([{ name: 'bob', seq: 1 }]);
      expect(clients[1].connected).toBe(true);
    });

    it('answers no receipt, even one sent with an ack', async () => {
      const { clients } = await roomWithMessages(server(), 1);
      await expect(clients[1].emitWithAckWithin(500, ClientEvent.Received, { seq: 1 })).rejects.toThrow(/no ack/);
      await expect(clients[1].emitWithAckWithin(500, ClientEvent.Received, { seq: 0 })).rejects.toThrow(/no ack/);
      expect(await receiptOf(clients[0], 'bob', 1)).toEqual({ name: 'bob', seq: 1 });
    });
  });

  describe('with a typing bucket of 10 (RATE_MESSAGES_BURST) refilled at 1 a second', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '30000', RATE_MESSAGES_PER_SEC: '1', RATE_MESSAGES_BURST: '10' });

    it('takes a token for each relayed receipt and none for a dropped one', async () => {
      const { clients } = await roomWithMessages(server(), 10);
      const [alice, bob] = clients;
      // Dropped (above the room's latest seq): were they to take from the bucket, it would be empty.
      for (let count = 0; count < 20; count++) bob.emit(ClientEvent.Received, { seq: 11 });
      for (let seq = 1; seq <= 10; seq++) bob.emit(ClientEvent.Received, { seq });
      await receiptOf(alice, 'bob', 10);
      expect(receiptsAt(alice).map(({ seq }) => seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

      // The ten relayed ones emptied the bucket that typing shares (it refills one a second).
      for (let count = 0; count < 10; count++) bob.emit(ClientEvent.Typing, { active: count % 2 === 0 });
      await delay(500);
      const typing = alice.timeline().filter((entry) => entry.event === ServerEvent.Typing).map((entry) => entry.args[0] as TypingEvent);
      expect(typing.length).toBeLessThanOrEqual(2);
    });

    it('drops receipts once typing has emptied the bucket', async () => {
      const { clients } = await roomWithMessages(server(), 10);
      const [alice, bob] = clients;
      for (let count = 0; count < 10; count++) bob.emit(ClientEvent.Typing, { active: true });
      for (let count = 0; count < 10; count++) await alice.next<TypingEvent>(ServerEvent.Typing, () => true, 10_000);
      for (let seq = 1; seq <= 10; seq++) bob.emit(ClientEvent.Received, { seq });
      await delay(500);

      expect(receiptsAt(alice).length).toBeLessThanOrEqual(2);
    });
  });
});
