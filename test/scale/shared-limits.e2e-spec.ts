import { ClientEvent, ErrorCode, ServerEvent } from '@ciphernest/protocol';
import { chatFor, createRoom, expectError, getKdf, member, nextAddress, postRoom, postSession, randomKdf, randomVerifier, uniqueRoomName } from '../support/builders';
import { closeAllClients, delay } from '../support/chat-client';
import { memberEvent } from '../support/events';
import type { ServerProcess } from '../support/server-process';
import { connectVia, roomGone, setUpSpreadRoom, useCluster, useRedis } from './support/cluster';

// STORE=redis, two processes on one Redis: the limits of docs/protocol.md §7 count across processes
// (a client cannot multiply them by spreading over the processes behind a load balancer), and
// a room's name, existence and MAX_ROOMS are the deployment's, not one process's (§6).

const LIMITS = { RATE_CREATES_PER_MIN: '2', RATE_FAILED_JOINS_PER_MIN: '2', RATE_CONNECTS_PER_MIN: '3' };
/** docs/protocol.md §6 says 100 ms for `left` after leave; the tests allow 1 s so they never depend on speed. */
const PROMPTLY_MS = 1_000;

function createBody(room = uniqueRoomName()): Record<string, unknown> {
  return { room, username: 'alice', verifier: randomVerifier(), kdf: randomKdf() };
}

const redis = useRedis();

describe('Limits and rooms shared by the processes (STORE=redis)', () => {
  afterEach(closeAllClients);

  describe('rate limits', () => {
    const nodes = useCluster(redis, 2, { ...LIMITS, DISCONNECT_GRACE_MS: '60000' });
    const node = (n: number): ServerProcess => nodes()[n]!;

    it('counts room creations per address across processes: 429 RATE_LIMITED beyond RATE_CREATES_PER_MIN', async () => {
      const from = nextAddress();
      expect((await postRoom(node(0), createBody(), { from })).status).toBe(201);
      expect((await postRoom(node(1), createBody(), { from })).status).toBe(201);
      expectError(await postRoom(node(0), createBody(), { from }), ErrorCode.RateLimited);
      expectError(await postRoom(node(1), createBody(), { from }), ErrorCode.RateLimited);
    });

    it('counts failed joins per (address, room) across processes: then even the right password is refused', async () => {
      const owner = await createRoom(node(0));
      const from = nextAddress();
      expectError(await postSession(node(0), owner.room, { username: 'guess1', verifier: randomVerifier() }, { from }), ErrorCode.BadCredentials);
      expectError(await postSession(node(1), owner.room, { username: 'guess2', verifier: randomVerifier() }, { from }), ErrorCode.BadCredentials);
      expectError(await postSession(node(0), owner.room, { username: 'bob', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
      expectError(await postSession(node(1), owner.room, { username: 'bob', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
    });

    it('counts Socket.IO connections per address across processes: connect_error RATE_LIMITED beyond RATE_CONNECTS_PER_MIN', async () => {
      const owner = await createRoom(node(0));
      for (const target of [node(0), node(1), node(0)]) {
        const client = chatFor(target, owner);
        await client.connect();
        client.disconnect();
      }
      expect(await chatFor(node(1), owner).connectRefusal()).toBe(ErrorCode.RateLimited);
    });
  });

  describe('failed joins fired at once at both processes', () => {
    const nodes = useCluster(redis, 2, { RATE_FAILED_JOINS_PER_MIN: '5', RATE_JOINS_PER_MIN: '0', DISCONNECT_GRACE_MS: '60000' });
    const node = (n: number): ServerProcess => nodes()[n]!;

    it('answers exactly 5 of 20 concurrent wrong guesses BAD_CREDENTIALS and the rest RATE_LIMITED, then refuses the right password', async () => {
      const owner = await createRoom(node(0));
      const from = nextAddress();

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, n) => postSession(node(n % 2), owner.room, { username: `guess${n}`, verifier: randomVerifier() }, { from })),
      );

      const codes = answers.map((res) => res.body.code as string).sort();
      expect(codes).toEqual([...Array(5).fill(ErrorCode.BadCredentials), ...Array(15).fill(ErrorCode.RateLimited)].sort());
      const failures = () => nodes().flatMap((process) => process.logs()).filter((record) => record.event === 'session.rejected' && record['ip'] === from);
      // Each process logs its own refusals: read both until the five arrived (or 5 s passed).
      for (const deadline = Date.now() + 5_000; failures().length < 5 && Date.now() < deadline; ) await delay(50);
      expect(failures().map((record) => record['reason'])).toEqual(Array(5).fill('BAD_CREDENTIALS'));
      expectError(await postSession(node(0), owner.room, { username: 'bob', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
      expectError(await postSession(node(1), owner.room, { username: 'bob', verifier: owner.verifier }, { from }), ErrorCode.RateLimited);
    });
  });

  describe('room lifetime', () => {
    const nodes = useCluster(redis, 2, { DISCONNECT_GRACE_MS: '60000' });
    const node = (n: number): ServerProcess => nodes()[n]!;

    it('refuses a create on one process of a name created on another: 409 ROOM_EXISTS, whatever its case', async () => {
      const owner = await createRoom(node(0));
      expectError(await postRoom(node(1), createBody(owner.room.toUpperCase())), ErrorCode.RoomExists);
    });

    it('frees the name when the last member leaves on one process, for a create on another with a new kdf', async () => {
      const { room, clients } = await setUpSpreadRoom([['alice', node(0)], ['bob', node(1)]]);
      const [alice, bob] = clients;
      await alice!.emitWithAck(ClientEvent.Leave);
      await bob!.next(ServerEvent.Member, memberEvent('left', 'alice'));
      expect((await getKdf(node(0), room)).status).toBe(200);
      await bob!.emitWithAck(ClientEvent.Leave);
      await roomGone(node(0), room, PROMPTLY_MS);
      const kdf = randomKdf({ m: 32_768, t: 3 });
      const reborn = await createRoom(node(0), { room, username: 'carol', kdf });
      expect((await getKdf(node(1), room)).body).toEqual({ kdf });
      const { presence } = await connectVia(node(1), reborn);
      expect(presence.members).toEqual([member('carol', 'online', true)]);
    });
  });

  describe('MAX_ROOMS', () => {
    // Started cold after the blocks above stopped theirs: the deployment holds no room yet.
    const nodes = useCluster(redis, 2, { MAX_ROOMS: '2', DISCONNECT_GRACE_MS: '60000' });
    const node = (n: number): ServerProcess => nodes()[n]!;

    it('counts the rooms of every process: 503 CAPACITY on either once MAX_ROOMS exist, until one ends', async () => {
      await createRoom(node(0));
      const second = await createRoom(node(1));
      expectError(await postRoom(node(0), createBody()), ErrorCode.Capacity);
      expectError(await postRoom(node(1), createBody()), ErrorCode.Capacity);
      const { client } = await connectVia(node(0), second);
      await client.emitWithAck(ClientEvent.Leave);
      await roomGone(node(1), second.room, PROMPTLY_MS);
      expect((await postRoom(node(1), createBody())).status).toBe(201);
    });
  });
});
