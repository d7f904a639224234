import { deriveRoomKeys, decryptMessage, encryptText, newKdf, newMessageId, type RoomKeys } from '@ciphernest/crypto';
import {
  ClientEvent,
  ErrorCode,
  MIN_BOX_BYTES,
  nameKey,
  normalizeName,
  ServerEvent,
  type MessageAck,
  type RelayedMessage,
  type TypingEvent,
} from '@ciphernest/protocol';
import { connectAs, createRoom, getKdf, joinRoom, newId, randomBox, setUpRoom, uniqueRoomName } from './support/builders';
import { type ChatClient, closeAllClients } from './support/chat-client';
import { useServer } from './support/server-process';

// docs/protocol.md §5: relay of messages (ack, fields, seq, ts, duplicates, validation) and typing.

const RELAYED_FIELDS = ['box', 'from', 'id', 'seq', 'ts'];

function send(client: ChatClient, payload: unknown): Promise<MessageAck> {
  return client.emitWithAck<MessageAck>(ClientEvent.Message, payload);
}

async function sendOk(client: ChatClient, id = newId(), box: Uint8Array = randomBox()): Promise<{ id: string; box: Uint8Array; seq: number; ts: number }> {
  const ack = await send(client, { id, box });
  if (!ack.ok) throw new Error(`message refused: ${JSON.stringify(ack)}`);
  return { id, box, seq: ack.seq, ts: ack.ts };
}

function bytesOf(box: unknown): Buffer {
  expect(ArrayBuffer.isView(box) || box instanceof ArrayBuffer).toBe(true);
  return Buffer.from(box as Uint8Array);
}

describe('Real-time relay (docs/protocol.md §5)', () => {
  const server = useServer({ DISCONNECT_GRACE_MS: '5000' });
  afterEach(closeAllClients);

  describe('messages', () => {
    it('acks an accepted message with exactly { ok: true, seq, ts }', async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      const ack = await send(clients[0], { id: newId(), box: randomBox() });
      expect(ack).toEqual({ ok: true, seq: expect.any(Number), ts: expect.any(Number) });
      expect(Object.keys(ack).sort()).toEqual(['ok', 'seq', 'ts']);
    });

    it('relays to every other member exactly id, from, ts, seq and box, with the ack’s seq and ts and identical bytes', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob', 'carol']);
      const [alice, bob, carol] = clients;
      const sent = await sendOk(alice, newId(), randomBox(1_000));
      for (const receiver of [bob, carol]) {
        const relayed = await receiver.next<RelayedMessage>(ServerEvent.Message);
        expect(Object.keys(relayed).sort()).toEqual(RELAYED_FIELDS);
        expect({ ...relayed, box: undefined }).toEqual({ id: sent.id, from: 'alice', ts: sent.ts, seq: sent.seq, box: undefined });
        expect(bytesOf(relayed.box).equals(Buffer.from(sent.box))).toBe(true);
      }
    });

    it('does not send a message back to its sender', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      await sendOk(clients[0]);
      await clients[1].next(ServerEvent.Message);
      await clients[0].none(ServerEvent.Message, 300);
    });

    it("labels the message with the sender's name as the server shows it (trimmed, NFC)", async () => {
      const owner = await createRoom(server(), { username: 'alice' });
      const guest = await joinRoom(server(), owner, { username: ' Zoe\u0308 ' });
      const { client: alice } = await connectAs(server(), owner);
      const { client: zoe } = await connectAs(server(), guest);
      await sendOk(zoe);
      expect((await alice.next<RelayedMessage>(ServerEvent.Message)).from).toBe('Zo\u00EB');
    });

    it("stamps ts with the server's clock in ms since the epoch", async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      const before = Date.now();
      const { ts } = await sendOk(clients[0]);
      expect(Number.isInteger(ts)).toBe(true);
      expect(ts).toBeGreaterThanOrEqual(before - 5_000);
      expect(ts).toBeLessThanOrEqual(Date.now() + 5_000);
    });

    it('numbers messages from 1 upward across the senders of a room', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, bob] = clients;
      const seqs = [(await sendOk(alice)).seq, (await sendOk(alice)).seq, (await sendOk(bob)).seq, (await sendOk(alice)).seq];
      expect(seqs).toEqual([1, 2, 3, 4]);
      const relayedToBob = [await bob.next<RelayedMessage>(ServerEvent.Message), await bob.next<RelayedMessage>(ServerEvent.Message), await bob.next<RelayedMessage>(ServerEvent.Message)];
      expect(relayedToBob.map((message) => message.seq)).toEqual([1, 2, 4]);
    });

    it('numbers each room on its own', async () => {
      const first = await setUpRoom(server(), ['alice']);
      const second = await setUpRoom(server(), ['bob']);
      await sendOk(first.clients[0]);
      await sendOk(first.clients[0]);
      expect((await sendOk(second.clients[0])).seq).toBe(1);
      expect((await sendOk(first.clients[0])).seq).toBe(3);
    });

    it('starts again from seq 1, with no remembered ids, in a room re-created under the same name', async () => {
      const first = await setUpRoom(server(), ['alice']);
      const old = await sendOk(first.clients[0]);
      await sendOk(first.clients[0]);
      await first.clients[0].emitWithAck(ClientEvent.Leave);
      await first.clients[0].disconnected();
      expect((await getKdf(server(), first.room)).status).toBe(404);
      const second = await setUpRoom(server(), ['bob'], { room: first.room });
      expect((await sendOk(second.clients[0])).seq).toBe(1);
      const repeat = await sendOk(second.clients[0], old.id);
      expect(repeat.seq).toBe(2);
    });

    it('accepts a box of exactly 28 bytes (iv and tag of an empty ciphertext)', async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      expect((await send(clients[0], { id: newId(), box: randomBox(MIN_BOX_BYTES) })).ok).toBe(true);
    });

    it('accepts a box sent as an ArrayBuffer (as browsers send it) and relays its bytes', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const bytes = randomBox(100);
      const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      expect((await send(clients[0], { id: newId(), box: arrayBuffer })).ok).toBe(true);
      expect(bytesOf((await clients[1].next<RelayedMessage>(ServerEvent.Message)).box).equals(bytes)).toBe(true);
    });

    it('accepts ids of 16 and of 64 characters', async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      expect((await send(clients[0], { id: 'a'.repeat(16), box: randomBox() })).ok).toBe(true);
      expect((await send(clients[0], { id: `${'B-_9'.repeat(16)}`, box: randomBox() })).ok).toBe(true);
    });
  });

  describe('real ciphertext', () => {
    const password = 'correct horse battery staple';

    /** Alice seals `text` with keys derived as docs/protocol.md §2 says; resolves with what bob receives. */
    async function exchange(text: string): Promise<{ relayed: RelayedMessage; keys: RoomKeys; roomKey: string }> {
      const room = uniqueRoomName('Crypto Room');
      const roomKey = nameKey(normalizeName(room));
      const kdf = newKdf({ m: 19_456, t: 2 });
      const keys = await deriveRoomKeys(password, roomKey, kdf);
      const owner = await createRoom(server(), { room, username: 'alice', verifier: keys.verifier, kdf });
      const guest = await joinRoom(server(), owner, { username: 'bob' });
      const { client: alice } = await connectAs(server(), owner);
      const { client: bob } = await connectAs(server(), guest);
      const id = newMessageId();
      const box = await encryptText(keys.encKey, { roomKey, from: 'alice', id }, text);
      expect((await send(alice, { id, box })).ok).toBe(true);
      return { relayed: await bob.next<RelayedMessage>(ServerEvent.Message), keys, roomKey };
    }

    it('relays a sealed box that the receiver opens with from and id as relayed', async () => {
      const { relayed, keys, roomKey } = await exchange('hello from alice');
      const opened = await decryptMessage(keys.encKey, { roomKey, from: relayed.from, id: relayed.id }, bytesOf(relayed.box));
      expect(opened).toEqual({ kind: 'text', text: 'hello from alice' });
    });

    it('makes a relabelled sender fail to decrypt (from is in the AAD)', async () => {
      const { relayed, keys, roomKey } = await exchange('only alice says this');
      await expect(decryptMessage(keys.encKey, { roomKey, from: 'mallory', id: relayed.id }, bytesOf(relayed.box))).rejects.toThrow();
    });

    it('makes a changed id fail to decrypt (id is in the AAD)', async () => {
      const { relayed, keys, roomKey } = await exchange('bound to its id');
      await expect(decryptMessage(keys.encKey, { roomKey, from: relayed.from, id: newMessageId() }, bytesOf(relayed.box))).rejects.toThrow();
    });
  });

  describe('repeated ids', () => {
    it('acks a repeated id with its first seq and ts and does not relay it again', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, bob] = clients;
      const first = await sendOk(alice);
      expect(await send(alice, { id: first.id, box: randomBox() })).toEqual({ ok: true, seq: first.seq, ts: first.ts });
      expect(await send(alice, { id: first.id, box: first.box })).toEqual({ ok: true, seq: first.seq, ts: first.ts });
      const later = await sendOk(alice);
      expect((await bob.next<RelayedMessage>(ServerEvent.Message)).id).toBe(first.id);
      // Relays from one sender keep their order, so the next one bob sees must be `later`.
      expect((await bob.next<RelayedMessage>(ServerEvent.Message)).id).toBe(later.id);
    });

    it('does not spend a seq on a repeated id', async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      const first = await sendOk(clients[0]);
      await send(clients[0], { id: first.id, box: randomBox() });
      expect((await sendOk(clients[0])).seq).toBe(first.seq + 1);
    });

    it("treats an id another member already sent the same way: first seq and ts, no relay", async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob', 'carol']);
      const [alice, bob, carol] = clients;
      const first = await sendOk(alice);
      expect(await send(bob, { id: first.id, box: randomBox() })).toEqual({ ok: true, seq: first.seq, ts: first.ts });
      const later = await sendOk(bob);
      expect(later.seq).toBe(first.seq + 1);
      expect((await alice.next<RelayedMessage>(ServerEvent.Message)).id).toBe(later.id);
      expect((await carol.next<RelayedMessage>(ServerEvent.Message)).id).toBe(first.id);
      expect((await carol.next<RelayedMessage>(ServerEvent.Message)).id).toBe(later.id);
    });

    it('keys ids by room: the same id in another room is a new message', async () => {
      const first = await setUpRoom(server(), ['alice']);
      const second = await setUpRoom(server(), ['bob', 'carol']);
      const sent = await sendOk(first.clients[0]);
      await sendOk(first.clients[0]);
      const again = await sendOk(second.clients[0], sent.id);
      expect(again.seq).toBe(1);
      expect((await second.clients[1].next<RelayedMessage>(ServerEvent.Message)).id).toBe(sent.id);
    });
  });

  describe('malformed payloads', () => {
    const cases: [string, unknown][] = [
      ['a payload without id', { box: randomBox() }],
      ['an id of 15 characters', { id: 'a'.repeat(15), box: randomBox() }],
      ['an id of 65 characters', { id: 'a'.repeat(65), box: randomBox() }],
      ['an id with + (not base64url)', { id: `${'a'.repeat(20)}+`, box: randomBox() }],
      ['an id with padding', { id: `${'a'.repeat(20)}==`, box: randomBox() }],
      ['an id with a space', { id: `${'a'.repeat(10)} ${'a'.repeat(10)}`, box: randomBox() }],
      ['a numeric id', { id: 1234567890123456, box: randomBox() }],
      ['a payload without box', { id: newId() }],
      ['a box given as a string', { id: newId(), box: randomBox().toString('base64') }],
      ['a box given as an array of numbers', { id: newId(), box: [...randomBox()] }],
      ['a box given as a serialised Buffer object', { id: newId(), box: { type: 'Buffer', data: [...randomBox()] } }],
      ['a box of 27 bytes', { id: newId(), box: randomBox(MIN_BOX_BYTES - 1) }],
      ['an empty box', { id: newId(), box: Buffer.alloc(0) }],
      ['a string payload', 'hello'],
      ['a numeric payload', 42],
      ['a null payload', null],
      ['an array payload', [newId(), randomBox()]],
    ];

    it.each(cases)('refuses %s with VALIDATION_FAILED, relays nothing and keeps the socket usable', async (_label, payload) => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, bob] = clients;
      expect(await send(alice, payload)).toEqual({ ok: false, error: { code: ErrorCode.ValidationFailed, message: expect.any(String) } });
      expect(alice.connected).toBe(true);
      const next = await sendOk(alice);
      expect(next.seq).toBe(1);
      expect((await bob.next<RelayedMessage>(ServerEvent.Message)).id).toBe(next.id);
    });

    it('refuses a message sent without any payload with VALIDATION_FAILED', async () => {
      const { clients } = await setUpRoom(server(), ['alice']);
      expect(await clients[0].emitWithAck(ClientEvent.Message)).toEqual({ ok: false, error: { code: ErrorCode.ValidationFailed, message: expect.any(String) } });
      expect(clients[0].connected).toBe(true);
    });
  });

  describe('typing', () => {
    it('relays typing as exactly { name, active } to the others only', async () => {
      const { clients } = await setUpRoom(server(), ['alice', 'bob', 'carol']);
      const [alice, bob, carol] = clients;
      alice.emit(ClientEvent.Typing, { active: true });
      expect(await bob.next<TypingEvent>(ServerEvent.Typing)).toEqual({ name: 'alice', active: true });
      expect(await carol.next<TypingEvent>(ServerEvent.Typing)).toEqual({ name: 'alice', active: true });
      alice.emit(ClientEvent.Typing, { active: false });
      expect(await bob.next<TypingEvent>(ServerEvent.Typing)).toEqual({ name: 'alice', active: false });
      await alice.none(ServerEvent.Typing, 300);
    });

    it('does not relay typing to another room', async () => {
      const first = await setUpRoom(server(), ['alice', 'bob']);
      const second = await setUpRoom(server(), ['carol']);
      first.clients[0].emit(ClientEvent.Typing, { active: true });
      await first.clients[1].next(ServerEvent.Typing);
      await second.clients[0].none(ServerEvent.Typing, 300);
    });
  });
});
