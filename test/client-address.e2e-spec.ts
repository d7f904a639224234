import { ErrorCode, ServerEvent } from '@ciphernest/protocol';
import {
  chatFor,
  createRoom,
  deleteSession,
  expectError,
  joinRoom,
  nextAddress,
  postRoom,
  PROXY_ADDRESS,
  randomKdf,
  randomVerifier,
  uniqueRoomName,
  type Session,
} from './support/builders';
import { ChatClient, closeAllClients } from './support/chat-client';
import { useServer, type ServerProcess } from './support/server-process';

// docs/protocol.md §4 "Client address" and the IP binding of tokens (§4, §5), with TRUST_PROXY=127.0.0.9/32.

/** A chat client for `session` coming from `from` with the given X-Forwarded-For (none when undefined). */
function socketFrom(server: ServerProcess, session: Session, from: string, forwardedFor?: string): ChatClient {
  return new ChatClient(server.url, { token: session.token, from, headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor } });
}

describe('Client address and proxies (docs/protocol.md §4)', () => {
  afterEach(closeAllClients);

  describe('with TRUST_PROXY=127.0.0.9/32', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000', TRUST_PROXY: `${PROXY_ADDRESS}/32` });

    describe('without a proxy', () => {
      it('refuses a socket from another address than the token was issued to: IP_MISMATCH', async () => {
        const owner = await createRoom(server());
        expect(await socketFrom(server(), owner, nextAddress()).connectRefusal()).toBe(ErrorCode.IpMismatch);
      });

      it('accepts the socket from the address the token was issued to', async () => {
        const owner = await createRoom(server());
        await socketFrom(server(), owner, owner.from).connect();
      });

      it('refuses DELETE /api/session from another address: 403 IP_MISMATCH', async () => {
        const owner = await createRoom(server());
        expectError(await deleteSession(server(), owner.token, { from: nextAddress() }), ErrorCode.IpMismatch);
      });

      it('does not let an IP_MISMATCH attempt disturb the session', async () => {
        const owner = await createRoom(server(), { username: 'alice' });
        const bob = await joinRoom(server(), owner, { username: 'bob' });
        const alice = await chatFor(server(), owner).connect();
        await alice.next(ServerEvent.Presence);
        expect(await socketFrom(server(), bob, nextAddress()).connectRefusal()).toBe(ErrorCode.IpMismatch);
        await socketFrom(server(), bob, bob.from).connect();
        await alice.next(ServerEvent.Member, (event: { type: string; name: string }) => event.type === 'joined' && event.name === 'bob');
      });

      it('ignores X-Forwarded-For from an untrusted client: the session is bound to its peer address', async () => {
        const forged = nextAddress();
        const owner = await createRoom(server(), { headers: { 'X-Forwarded-For': forged } });
        expect(await socketFrom(server(), owner, forged).connectRefusal()).toBe(ErrorCode.IpMismatch);
        await socketFrom(server(), owner, owner.from).connect();
      });

      it("does not let an untrusted client claim another's address with X-Forwarded-For", async () => {
        const owner = await createRoom(server());
        const thief = nextAddress();
        expect(await socketFrom(server(), owner, thief, owner.from).connectRefusal()).toBe(ErrorCode.IpMismatch);
        const res = await deleteSession(server(), owner.token, { from: thief, headers: { 'X-Forwarded-For': owner.from } });
        expectError(res, ErrorCode.IpMismatch);
      });
    });

    describe('through the trusted proxy', () => {
      it('binds the session to the forwarded address', async () => {
        const client = nextAddress();
        const other = nextAddress();
        const owner = await createRoom(server(), { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': client } });
        expect(await socketFrom(server(), owner, PROXY_ADDRESS, other).connectRefusal()).toBe(ErrorCode.IpMismatch);
        await socketFrom(server(), owner, PROXY_ADDRESS, client).connect();
      });

      it('binds a join to the forwarded address for DELETE too', async () => {
        const owner = await createRoom(server());
        const client = nextAddress();
        const guest = await joinRoom(server(), owner, { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': client } });
        expectError(await deleteSession(server(), guest.token, { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': nextAddress() } }), ErrorCode.IpMismatch);
        expect((await deleteSession(server(), guest.token, { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': client } })).status).toBe(204);
      });

      it('skips trusted proxies in the chain: "A, 127.0.0.9" is A', async () => {
        const client = nextAddress();
        const owner = await createRoom(server(), { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': `${client}, ${PROXY_ADDRESS}` } });
        await socketFrom(server(), owner, client).connect();
      });

      it('takes the right-most untrusted address: "X, A" is A', async () => {
        const spoofed = nextAddress();
        const client = nextAddress();
        const owner = await createRoom(server(), { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': `${spoofed}, ${client}` } });
        expectError(await deleteSession(server(), owner.token, { from: spoofed }), ErrorCode.IpMismatch);
        expect((await deleteSession(server(), owner.token, { from: client })).status).toBe(204);
      });

      it('normalises an IPv4-mapped IPv6 forwarded address to IPv4', async () => {
        const client = nextAddress();
        const owner = await createRoom(server(), { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': `::ffff:${client}` } });
        await socketFrom(server(), owner, client).connect();
      });

      it('takes the proxy itself as the client when it sends no X-Forwarded-For', async () => {
        const owner = await createRoom(server(), { from: PROXY_ADDRESS });
        await socketFrom(server(), owner, PROXY_ADDRESS).connect();
        expect(await socketFrom(server(), owner, PROXY_ADDRESS, nextAddress()).connectRefusal()).toBe(ErrorCode.IpMismatch);
      });
    });
  });

  describe('with TRUST_PROXY=loopback', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000', TRUST_PROXY: 'loopback' });

    it('trusts every loopback peer and binds the session to the forwarded address', async () => {
      const owner = await createRoom(server(), { headers: { 'X-Forwarded-For': '203.0.113.10' } });
      expectError(await deleteSession(server(), owner.token, { from: nextAddress(), headers: { 'X-Forwarded-For': '203.0.113.11' } }), ErrorCode.IpMismatch);
      expect((await deleteSession(server(), owner.token, { from: nextAddress(), headers: { 'X-Forwarded-For': '203.0.113.10' } })).status).toBe(204);
    });
  });

  describe('with TRUST_PROXY=1 (a hop count)', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000', TRUST_PROXY: '1' });

    it('trusts one hop: the right-most X-Forwarded-For entry is the client', async () => {
      const owner = await createRoom(server(), { headers: { 'X-Forwarded-For': '198.51.100.1, 203.0.113.20' } });
      expectError(await deleteSession(server(), owner.token, { from: nextAddress(), headers: { 'X-Forwarded-For': '198.51.100.1' } }), ErrorCode.IpMismatch);
      expect((await deleteSession(server(), owner.token, { from: nextAddress(), headers: { 'X-Forwarded-For': '203.0.113.20' } })).status).toBe(204);
    });
  });

  describe('rate limits behind the trusted proxy', () => {
    const server = useServer({
      DISCONNECT_GRACE_MS: '60000',
      TRUST_PROXY: `${PROXY_ADDRESS}/32`,
      RATE_CREATES_PER_MIN: '2',
      RATE_CONNECTS_PER_MIN: '2',
    });

    async function createVia(forwardedFor: string | undefined, from = PROXY_ADDRESS) {
      return postRoom(server(), { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf() }, {
        from,
        headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor },
      });
    }

    it('counts HTTP requests per forwarded address, not per proxy', async () => {
      const first = nextAddress();
      for (let i = 0; i < 2; i++) expect((await createVia(first)).status).toBe(201);
      expectError(await createVia(first), ErrorCode.RateLimited);
      expect((await createVia(nextAddress())).status).toBe(201);
    });

    it('does not let an untrusted client escape a limit by varying X-Forwarded-For', async () => {
      const from = nextAddress();
      for (let i = 0; i < 2; i++) expect((await createVia(nextAddress(), from)).status).toBe(201);
      expectError(await createVia(nextAddress(), from), ErrorCode.RateLimited);
    });

    it('counts Socket.IO connections per forwarded address, not per proxy', async () => {
      const first = nextAddress();
      const second = nextAddress();
      const owner = await createRoom(server(), { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': first } });
      const guest = await joinRoom(server(), owner, { from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': second } });
      for (let i = 0; i < 2; i++) {
        const client = socketFrom(server(), owner, PROXY_ADDRESS, first);
        await client.connect();
        client.disconnect();
      }
      expect(await socketFrom(server(), owner, PROXY_ADDRESS, first).connectRefusal()).toBe(ErrorCode.RateLimited);
      await socketFrom(server(), guest, PROXY_ADDRESS, second).connect();
    });
  });
});
