import { ErrorCode } from '@ciphernest/protocol';
import {
  createRoom,
  deleteSession,
  expectError,
  getKdf,
  joinRoom,
  postRoom,
  postSession,
  PROXY_ADDRESS,
  randomKdf,
  randomVerifier,
  uniqueRoomName,
  type Session,
} from './support/builders';
import { ChatClient, closeAllClients } from './support/chat-client';
import { useServer, type ServerProcess } from './support/server-process';

// Finding 2 of issue 11 through the trusted proxy (TRUST_PROXY=127.0.0.9/32): every client address
// is an IPv6 address in X-Forwarded-For, so the same code that reads a socket's peer address reads
// it (shared/client-address.ts); test/ipv6-networks.e2e-spec.ts does the same with real IPv6
// sockets. Every per-address limit counts an IPv6 network of IPV6_PREFIX_LENGTH bits (default 64)
// as one client; MAX_ROOMS_PER_ADDRESS and MAX_SESSIONS_PER_ADDRESS cap what one holds at once.

const LIMITS = {
  RATE_FAILED_JOINS_PER_MIN: 5,
  RATE_CREATES_PER_MIN: 4,
  RATE_JOINS_PER_MIN: 8,
  RATE_LOOKUPS_PER_MIN: 3,
  RATE_CONNECTS_PER_MIN: 3,
  MAX_ROOMS_PER_ADDRESS: 2,
  MAX_SESSIONS_PER_ADDRESS: 3,
};

function asEnv(values: Record<string, number | string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));
}

let networks = 0;
/** A /64 no other test of this file uses: `host(k)` is its k-th address. */
function freshNetwork(): (k: number) => string {
  networks += 1;
  const network = `2001:db8:${networks.toString(16)}:42`;
  return (k) => `${network}::${k.toString(16)}`;
}

/** Options that make a request arrive through the trusted proxy for `address`. */
const via = (address: string) => ({ from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': address } });

function createBody(overrides: Record<string, unknown> = {}) {
  return { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf(), ...overrides };
}

function wrongGuess(server: ServerProcess, room: string, address: string) {
  return postSession(server, room, { username: 'guess', verifier: randomVerifier() }, via(address));
}

describe('Per-address limits by IPv6 network, through a trusted proxy', () => {
  afterEach(closeAllClients);

  describe('with IPV6_PREFIX_LENGTH unset (64)', () => {
    const server = useServer(asEnv({ ...LIMITS, TRUST_PROXY: `${PROXY_ADDRESS}/32`, DISCONNECT_GRACE_MS: 60_000 }));

    it('refuses the 6th wrong password from six addresses of one /64 against one room, then even the right one', async () => {
      const owner = await createRoom(server());
      const host = freshNetwork();
      for (let k = 1; k <= LIMITS.RATE_FAILED_JOINS_PER_MIN; k++) expectError(await wrongGuess(server(), owner.room, host(k)), ErrorCode.BadCredentials);

      expectError(await wrongGuess(server(), owner.room, host(6)), ErrorCode.RateLimited);
      expectError(await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, via(host(7))), ErrorCode.RateLimited);
    });

    it('leaves another /64 unaffected', async () => {
      const owner = await createRoom(server());
      const blocked = freshNetwork();
      for (let k = 1; k <= LIMITS.RATE_FAILED_JOINS_PER_MIN + 1; k++) await wrongGuess(server(), owner.room, blocked(k));
      const other = freshNetwork();

      expectError(await wrongGuess(server(), owner.room, other(1)), ErrorCode.BadCredentials);
      expect((await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, via(other(2)))).status).toBe(201);
    });

    it('caps the rooms one /64 holds at MAX_ROOMS_PER_ADDRESS, until one of them ends', async () => {
      const host = freshNetwork();
      const first = await createRoom(server(), via(host(1)));
      await createRoom(server(), via(host(2)));

      const refused = await postRoom(server(), createBody(), via(host(3)));
      expectError(refused, ErrorCode.RateLimited);
      expect(refused.body.message).toMatch(/too many rooms/);
      expect((await postRoom(server(), createBody(), via(freshNetwork()(1)))).status).toBe(201);

      expect((await deleteSession(server(), first.token, via(host(1)))).status).toBe(204);
      expect((await postRoom(server(), createBody(), via(host(4)))).status).toBe(201);
    });

    it('counts room creations per /64 toward RATE_CREATES_PER_MIN, refused ones too', async () => {
      const host = freshNetwork();
      for (let k = 1; k <= LIMITS.RATE_CREATES_PER_MIN; k++) {
        expectError(await postRoom(server(), createBody({ verifier: 'short' }), via(host(k))), ErrorCode.ValidationFailed);
      }

      const refused = await postRoom(server(), createBody(), via(host(LIMITS.RATE_CREATES_PER_MIN + 1)));
      expectError(refused, ErrorCode.RateLimited);
      expect(refused.body.message).not.toMatch(/too many rooms/);
    });

    it('caps the live sessions one /64 holds at MAX_SESSIONS_PER_ADDRESS, in any room, until one ends', async () => {
      const lobby = await createRoom(server());
      const kitchen = await createRoom(server());
      const host = freshNetwork();
      const first = await joinRoom(server(), lobby, { username: 'one', ...via(host(1)) });
      await joinRoom(server(), kitchen, { username: 'two', ...via(host(2)) });
      await joinRoom(server(), lobby, { username: 'three', ...via(host(3)) });

      const refused = await postSession(server(), kitchen.room, { username: 'four', verifier: kitchen.verifier }, via(host(4)));
      expectError(refused, ErrorCode.RateLimited);
      expect(refused.body.message).toMatch(/too many sessions/);
      await joinRoom(server(), kitchen, { username: 'elsewhere', ...via(freshNetwork()(1)) });

      expect((await deleteSession(server(), first.token, via(host(1)))).status).toBe(204);
      await joinRoom(server(), kitchen, { username: 'five', ...via(host(5)) });
    });

    it("counts the creator's session toward the cap on sessions", async () => {
      const host = freshNetwork();
      await createRoom(server(), via(host(1)));
      await createRoom(server(), via(host(2)));
      const other = await createRoom(server());
      await joinRoom(server(), other, via(host(3)));

      expectError(await postSession(server(), other.room, { username: 'carol', verifier: other.verifier }, via(host(4))), ErrorCode.RateLimited);
    });

    it('answers BAD_CREDENTIALS, not the cap on sessions, to a wrong password', async () => {
      const owner = await createRoom(server());
      const host = freshNetwork();
      for (let k = 1; k <= LIMITS.MAX_SESSIONS_PER_ADDRESS; k++) await joinRoom(server(), owner, { username: `m${k}`, ...via(host(k)) });

      expectError(await wrongGuess(server(), owner.room, host(9)), ErrorCode.BadCredentials);
    });

    it('counts join attempts per /64 toward RATE_JOINS_PER_MIN', async () => {
      const host = freshNetwork();
      for (let k = 1; k <= LIMITS.RATE_JOINS_PER_MIN; k++) expectError(await wrongGuess(server(), uniqueRoomName('none'), host(k)), ErrorCode.RoomNotFound);

      expectError(await wrongGuess(server(), uniqueRoomName('none'), host(LIMITS.RATE_JOINS_PER_MIN + 1)), ErrorCode.RateLimited);
    });

    it('counts kdf look-ups per /64 toward RATE_LOOKUPS_PER_MIN', async () => {
      const owner = await createRoom(server());
      const host = freshNetwork();
      for (let k = 1; k <= LIMITS.RATE_LOOKUPS_PER_MIN; k++) expect((await getKdf(server(), owner.room, via(host(k)))).status).toBe(200);

      expectError(await getKdf(server(), owner.room, via(host(9))), ErrorCode.RateLimited);
      expect((await getKdf(server(), owner.room, via(freshNetwork()(1)))).status).toBe(200);
    });

    it('counts Socket.IO connections per /64 toward RATE_CONNECTS_PER_MIN', async () => {
      const host = freshNetwork();
      const owner = await createRoom(server(), via(host(9)));
      for (let k = 1; k <= LIMITS.RATE_CONNECTS_PER_MIN; k++) {
        expect(await socketVia(server(), 'garbage', host(k)).connectRefusal()).toBe(ErrorCode.TokenInvalid);
      }

      expect(await socketVia(server(), owner.token, host(9)).connectRefusal()).toBe(ErrorCode.RateLimited);
      const other = freshNetwork()(1);
      await socketVia(server(), (await createRoom(server(), via(other))).token, other).connect();
    });

    it('binds tokens to the full address: another address of the same /64 gets IP_MISMATCH', async () => {
      const host = freshNetwork();
      const owner: Session = await createRoom(server(), via(host(1)));

      expect(await socketVia(server(), owner.token, host(2)).connectRefusal()).toBe(ErrorCode.IpMismatch);
      expectError(await deleteSession(server(), owner.token, via(host(2))), ErrorCode.IpMismatch);
      await socketVia(server(), owner.token, host(1)).connect();
    });
  });

  describe('with IPV6_PREFIX_LENGTH=56', () => {
    const server = useServer(asEnv({ TRUST_PROXY: `${PROXY_ADDRESS}/32`, IPV6_PREFIX_LENGTH: 56, RATE_FAILED_JOINS_PER_MIN: 5 }));

    it('counts two /64s of one /56 as one client, and another /56 apart', async () => {
      const owner = await createRoom(server());
      for (let k = 1; k <= 3; k++) expectError(await wrongGuess(server(), owner.room, `2001:db8:9:100::${k}`), ErrorCode.BadCredentials);
      for (let k = 1; k <= 2; k++) expectError(await wrongGuess(server(), owner.room, `2001:db8:9:1ff::${k}`), ErrorCode.BadCredentials);

      expectError(await wrongGuess(server(), owner.room, '2001:db8:9:1ab::1'), ErrorCode.RateLimited);
      expectError(await wrongGuess(server(), owner.room, '2001:db8:9:200::1'), ErrorCode.BadCredentials);
    });
  });

  describe('with IPV6_PREFIX_LENGTH=128', () => {
    const server = useServer(asEnv({ TRUST_PROXY: `${PROXY_ADDRESS}/32`, IPV6_PREFIX_LENGTH: 128, RATE_FAILED_JOINS_PER_MIN: 1 }));

    it('counts every IPv6 address on its own', async () => {
      const owner = await createRoom(server());
      const host = freshNetwork();
      expectError(await wrongGuess(server(), owner.room, host(1)), ErrorCode.BadCredentials);

      expectError(await wrongGuess(server(), owner.room, host(2)), ErrorCode.BadCredentials);
      expectError(await wrongGuess(server(), owner.room, host(1)), ErrorCode.RateLimited);
    });
  });
});

/** A chat client for `token` arriving through the trusted proxy for `address`. */
function socketVia(server: ServerProcess, token: string, address: string): ChatClient {
  return new ChatClient(server.url, { token, ...via(address) });
}
