import { ClientEvent, ErrorCode, ServerEvent, type MessageAck } from '@ciphernest/protocol';
import {
  chatFor,
  connectAs,
  createRoom,
  expectError,
  getDirectory,
  getExists,
  getKdf,
  joinRoom,
  newId,
  nextAddress,
  postRoom,
  postSession,
  randomBox,
  randomKdf,
  randomVerifier,
  setUpRoom,
  uniqueRoomName,
} from './support/builders';
import { ChatClient, closeAllClients, delay } from './support/chat-client';
import { useServer, type ServerProcess } from './support/server-process';

// docs/protocol.md §4 (order of checks, counting) and §7 (the rate limits, 0 turns one off).

const LIMITS = {
  RATE_CREATES_PER_MIN: 3,
  RATE_JOINS_PER_MIN: 6,
  RATE_FAILED_JOINS_PER_MIN: 2,
  RATE_LOOKUPS_PER_MIN: 3,
  RATE_CONNECTS_PER_MIN: 3,
  RATE_MESSAGES_PER_SEC: 1,
  RATE_MESSAGES_BURST: 3,
};

function asEnv(values: Record<string, number | string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));
}

function createBody() {
  return { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf() };
}

function sendMessages(client: ChatClient, count: number): Promise<MessageAck[]> {
  return Promise.all(Array.from({ length: count }, () => client.emitWithAck<MessageAck>(ClientEvent.Message, { id: newId(), box: randomBox(40) })));
}

const ok = { ok: true, seq: expect.any(Number), ts: expect.any(Number) };
const rateLimited = { ok: false, error: { code: ErrorCode.RateLimited, message: expect.any(String) } };

describe('Rate limits (docs/protocol.md §4, §7)', () => {
  afterEach(closeAllClients);

  describe('with small limits', () => {
    const server = useServer(asEnv({ ...LIMITS, DISCONNECT_GRACE_MS: 60_000, ROOM_DIRECTORY: 'true' }));

    describe('room creations per address', () => {
      it('refuses creates beyond RATE_CREATES_PER_MIN from one address: 429 RATE_LIMITED', async () => {
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_CREATES_PER_MIN; i++) expect((await postRoom(server(), createBody(), { from })).status).toBe(201);
        expectError(await postRoom(server(), createBody(), { from }), ErrorCode.RateLimited);
      });

      it('counts per address: another address still creates', async () => {
        const from = nextAddress();
        for (let i = 0; i <= LIMITS.RATE_CREATES_PER_MIN; i++) await postRoom(server(), createBody(), { from });
        expect((await postRoom(server(), createBody(), { from: nextAddress() })).status).toBe(201);
      });

      it('counts refused requests too', async () => {
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_CREATES_PER_MIN; i++) {
          expectError(await postRoom(server(), { ...createBody(), verifier: 'short' }, { from }), ErrorCode.ValidationFailed);
        }
        expectError(await postRoom(server(), createBody(), { from }), ErrorCode.RateLimited);
      });

      it('checks Origin before the rate limit', async () => {
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_CREATES_PER_MIN; i++) await postRoom(server(), createBody(), { from });
        expectError(await postRoom(server(), createBody(), { from, headers: { Origin: 'https://evil.example' } }), ErrorCode.OriginRefused);
      });

      it('checks the rate limit before validation', async () => {
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_CREATES_PER_MIN; i++) await postRoom(server(), createBody(), { from });
        expectError(await postRoom(server(), { room: '' }, { from }), ErrorCode.RateLimited);
      });
    });

    describe('join attempts per address', () => {
      it('refuses joins beyond RATE_JOINS_PER_MIN from one address', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_JOINS_PER_MIN; i++) {
          expect((await postSession(server(), owner.room, { username: `guest${i}`, verifier: owner.verifier }, { from })).status).toBe(201);
        }
        expectError(await postSession(server(), owner.room, { username: 'onetoomany', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
      });

      it('counts join attempts per address: another address still joins', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        for (let i = 0; i <= LIMITS.RATE_JOINS_PER_MIN; i++) {
          await postSession(server(), owner.room, { username: `g${i}`, verifier: owner.verifier }, { from });
        }
        expect((await postSession(server(), owner.room, { username: 'other', verifier: owner.verifier })).status).toBe(201);
      });
    });

    describe('failed joins per (address, room)', () => {
      async function failTimes(room: string, from: string, times: number): Promise<void> {
        for (let i = 0; i < times; i++) {
          expectError(await postSession(server(), room, { username: `wrong${i}`, verifier: randomVerifier() }, { from }), ErrorCode.BadCredentials);
        }
      }

      it('refuses further attempts after RATE_FAILED_JOINS_PER_MIN wrong passwords', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        await failTimes(owner.room, from, LIMITS.RATE_FAILED_JOINS_PER_MIN);
        expectError(await postSession(server(), owner.room, { username: 'again', verifier: randomVerifier() }, { from }), ErrorCode.RateLimited);
      });

      it('refuses even the right password while blocked', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        await failTimes(owner.room, from, LIMITS.RATE_FAILED_JOINS_PER_MIN);
        expectError(await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
      });

      it('counts failures by room key, whatever the case or normalization of the name', async () => {
        const owner = await createRoom(server(), { room: `Caf\u00E9 ${uniqueRoomName('Key')}` });
        const from = nextAddress();
        const variants = [owner.room.toUpperCase(), owner.room.normalize('NFD').toLowerCase()];
        for (const [i, variant] of variants.slice(0, LIMITS.RATE_FAILED_JOINS_PER_MIN).entries()) {
          expectError(await postSession(server(), variant, { username: `w${i}`, verifier: randomVerifier() }, { from }), ErrorCode.BadCredentials);
        }
        expectError(await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
      });

      it('does not block that address in other rooms', async () => {
        const blocked = await createRoom(server());
        const other = await createRoom(server());
        const from = nextAddress();
        await failTimes(blocked.room, from, LIMITS.RATE_FAILED_JOINS_PER_MIN);
        expectError(await postSession(server(), blocked.room, { username: 'x', verifier: randomVerifier() }, { from }), ErrorCode.RateLimited);
        expectError(await postSession(server(), other.room, { username: 'y', verifier: randomVerifier() }, { from }), ErrorCode.BadCredentials);
        expect((await postSession(server(), other.room, { username: 'bob', verifier: other.verifier }, { from })).status).toBe(201);
      });

      it('does not block other addresses for that room', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        await failTimes(owner.room, from, LIMITS.RATE_FAILED_JOINS_PER_MIN);
        const elsewhere = nextAddress();
        expectError(await postSession(server(), owner.room, { username: 'y', verifier: randomVerifier() }, { from: elsewhere }), ErrorCode.BadCredentials);
        expect((await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { from: elsewhere })).status).toBe(201);
      });

      it('counts only failures: successful joins do not block', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_FAILED_JOINS_PER_MIN + 1; i++) {
          expect((await postSession(server(), owner.room, { username: `fine${i}`, verifier: owner.verifier }, { from })).status).toBe(201);
        }
        await failTimes(owner.room, from, 1);
      });
    });

    describe('look-ups per address', () => {
      it('refuses kdf look-ups beyond RATE_LOOKUPS_PER_MIN', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_LOOKUPS_PER_MIN; i++) expect((await getKdf(server(), owner.room, { from })).status).toBe(200);
        expectError(await getKdf(server(), owner.room, { from }), ErrorCode.RateLimited);
      });

      it('counts look-ups of unknown rooms too', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_LOOKUPS_PER_MIN; i++) expectError(await getKdf(server(), uniqueRoomName('none'), { from }), ErrorCode.RoomNotFound);
        expectError(await getKdf(server(), owner.room, { from }), ErrorCode.RateLimited);
      });

      it('counts directory reads together with kdf look-ups', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        expect((await getKdf(server(), owner.room, { from })).status).toBe(200);
        expect((await getDirectory(server(), { from })).status).toBe(200);
        expect((await getKdf(server(), owner.room, { from })).status).toBe(200);
        expectError(await getDirectory(server(), { from }), ErrorCode.RateLimited);
        expectError(await getKdf(server(), owner.room, { from }), ErrorCode.RateLimited);
      });

      it('counts existence checks together with kdf look-ups', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        for (let i = 0; i < LIMITS.RATE_LOOKUPS_PER_MIN - 1; i++) expect((await getExists(server(), uniqueRoomName('free'), { from })).body).toEqual({ exists: false });
        expect((await getKdf(server(), owner.room, { from })).status).toBe(200);
        expectError(await getExists(server(), owner.room, { from }), ErrorCode.RateLimited);
        expectError(await getKdf(server(), owner.room, { from }), ErrorCode.RateLimited);
      });

      it('counts look-ups per address: another address still looks up', async () => {
        const owner = await createRoom(server());
        const from = nextAddress();
        for (let i = 0; i <= LIMITS.RATE_LOOKUPS_PER_MIN; i++) await getKdf(server(), owner.room, { from });
        expect((await getKdf(server(), owner.room)).status).toBe(200);
      });
    });

    describe('Socket.IO connections per address', () => {
      async function connectAndClose(srv: ServerProcess, session: Parameters<typeof chatFor>[1]): Promise<void> {
        const client = chatFor(srv, session);
        await client.connect();
        client.disconnect();
      }

      it('refuses connections beyond RATE_CONNECTS_PER_MIN: connect_error RATE_LIMITED', async () => {
        const owner = await createRoom(server());
        for (let i = 0; i < LIMITS.RATE_CONNECTS_PER_MIN; i++) await connectAndClose(server(), owner);
        expect(await chatFor(server(), owner).connectRefusal()).toBe(ErrorCode.RateLimited);
      });

      it('counts refused connections too', async () => {
        const owner = await createRoom(server());
        for (let i = 0; i < LIMITS.RATE_CONNECTS_PER_MIN; i++) {
          expect(await new ChatClient(server().url, { token: 'garbage', from: owner.from }).connectRefusal()).toBe(ErrorCode.TokenInvalid);
        }
        expect(await chatFor(server(), owner).connectRefusal()).toBe(ErrorCode.RateLimited);
      });

      it('counts connections per address: another address still connects', async () => {
        const owner = await createRoom(server());
        const guest = await joinRoom(server(), owner);
        for (let i = 0; i < LIMITS.RATE_CONNECTS_PER_MIN; i++) await connectAndClose(server(), owner);
        await chatFor(server(), guest).connect();
      });
    });

    describe('messages per socket', () => {
      it('acks RATE_LIMITED once the burst is spent', async () => {
        const { clients } = await setUpRoom(server(), ['alice']);
        const acks = await sendMessages(clients[0], LIMITS.RATE_MESSAGES_BURST + 1);
        expect(acks.slice(0, LIMITS.RATE_MESSAGES_BURST)).toEqual(Array(LIMITS.RATE_MESSAGES_BURST).fill(ok));
        expect(acks[LIMITS.RATE_MESSAGES_BURST]).toEqual(rateLimited);
      });

      it('does not relay a rate-limited message', async () => {
        const { clients } = await setUpRoom(server(), ['alice', 'bob']);
        const [alice, bob] = clients;
        const acks = await sendMessages(alice, LIMITS.RATE_MESSAGES_BURST + 2);
        const accepted = acks.filter((ack) => ack.ok).length;
        expect(accepted).toBeLessThan(acks.length);
        for (let i = 0; i < accepted; i++) await bob.next(ServerEvent.Message);
        await bob.none(ServerEvent.Message, 300);
      });

      it('keeps the socket open and usable after RATE_LIMITED', async () => {
        const { clients } = await setUpRoom(server(), ['alice']);
        const acks = await sendMessages(clients[0], LIMITS.RATE_MESSAGES_BURST + 1);
        expect(acks).toContainEqual(rateLimited);
        await delay(1_100 / LIMITS.RATE_MESSAGES_PER_SEC);
        expect(clients[0].connected).toBe(true);
        expect(await sendMessages(clients[0], 1)).toEqual([ok]);
      });

      it('limits each socket on its own', async () => {
        const { clients } = await setUpRoom(server(), ['alice', 'bob']);
        const [alice, bob] = clients;
        expect(await sendMessages(alice, LIMITS.RATE_MESSAGES_BURST + 1)).toContainEqual(rateLimited);
        expect(await sendMessages(bob, 1)).toEqual([ok]);
      });

      it('logs rate.limited', async () => {
        const from = nextAddress();
        for (let i = 0; i <= LIMITS.RATE_CREATES_PER_MIN; i++) await postRoom(server(), createBody(), { from });
        await server().waitForLog((record) => record.event === 'rate.limited');
      });
    });
  });

  describe('with limits turned off by 0', () => {
    const server = useServer(asEnv({ RATE_CREATES_PER_MIN: 0, RATE_FAILED_JOINS_PER_MIN: 0, RATE_MESSAGES_BURST: 0, DISCONNECT_GRACE_MS: 60_000 }));

    it('warns at start that a limit is off', () => {
      expect(server().logs().some((record) => record.level === 'warn' || record.level === 40)).toBe(true);
    });

    it('RATE_CREATES_PER_MIN=0 lets one address create more than the default 10 rooms', async () => {
      const from = nextAddress();
      for (let i = 0; i < 12; i++) expect((await postRoom(server(), createBody(), { from })).status).toBe(201);
    });

    it('RATE_FAILED_JOINS_PER_MIN=0 never blocks wrong passwords, and counts no tries down', async () => {
      const owner = await createRoom(server());
      const from = nextAddress();
      for (let i = 0; i < 8; i++) {
        const answer = await postSession(server(), owner.room, { username: `w${i}`, verifier: randomVerifier() }, { from });
        expectError(answer, ErrorCode.BadCredentials);
        expect(answer.body.details).toBeUndefined();
      }
      expect((await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { from })).status).toBe(201);
    });

    it('RATE_MESSAGES_BURST=0 alone turns message limiting off', async () => {
      const owner = await createRoom(server());
      const { client } = await connectAs(server(), owner);
      const acks = await sendMessages(client, 60);
      expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    });
  });
});
