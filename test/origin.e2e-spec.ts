import { ErrorCode } from '@ciphernest/protocol';
import {
  chatFor,
  createRoom,
  deleteSession,
  expectError,
  getDirectory,
  getExists,
  getKdf,
  nextAddress,
  postRoom,
  postSession,
  PROXY_ADDRESS,
  randomKdf,
  randomVerifier,
  uniqueRoomName,
} from './support/builders';
import { ChatClient, closeAllClients } from './support/chat-client';
import { useServer, type ServerProcess } from './support/server-process';

// docs/protocol.md §4 "Origin": state-changing HTTP requests and Socket.IO connections.

const FOREIGN = 'https://evil.example';

function createBody() {
  return { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf() };
}

function createFrom(server: ServerProcess, headers: Record<string, string>, from = nextAddress()) {
  return postRoom(server, createBody(), { from, headers });
}

describe('Origin checks (docs/protocol.md §4)', () => {
  afterEach(closeAllClients);

  describe('by default (own origin only)', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000' });
    const ownOrigin = () => `http://127.0.0.1:${server().port}`;

    it('refuses a create with a foreign Origin: 403 ORIGIN_REFUSED', async () => {
      expectError(await createFrom(server(), { Origin: FOREIGN }), ErrorCode.OriginRefused);
    });

    it('refuses a join with a foreign Origin', async () => {
      const owner = await createRoom(server());
      const res = await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { headers: { Origin: FOREIGN } });
      expectError(res, ErrorCode.OriginRefused);
    });

    it('refuses DELETE /api/session with a foreign Origin and keeps the session', async () => {
      const owner = await createRoom(server());
      expectError(await deleteSession(server(), owner.token, { from: owner.from, headers: { Origin: FOREIGN } }), ErrorCode.OriginRefused);
      expect((await deleteSession(server(), owner.token, { from: owner.from })).status).toBe(204);
    });

    it('checks Origin before validation: a foreign Origin with a bad body is 403', async () => {
      const res = await postRoom(server(), { room: '', bogus: true }, { headers: { Origin: FOREIGN } });
      expectError(res, ErrorCode.OriginRefused);
    });

    it('allows its own origin (scheme and Host)', async () => {
      expect((await createFrom(server(), { Origin: ownOrigin() })).status).toBe(201);
    });

    it('takes its own origin from the Host header', async () => {
      const res = await createFrom(server(), { Host: 'chat.localhost:8443', Origin: 'http://chat.localhost:8443' });
      expect(res.status).toBe(201);
    });

    it('allows requests without Origin', async () => {
      expect((await createFrom(server(), {})).status).toBe(201);
    });

    it('refuses an origin that differs only by port', async () => {
      expectError(await createFrom(server(), { Origin: `http://127.0.0.1:${server().port + 1}` }), ErrorCode.OriginRefused);
    });

    it('refuses an origin that differs only by scheme', async () => {
      expectError(await createFrom(server(), { Origin: `https://127.0.0.1:${server().port}` }), ErrorCode.OriginRefused);
    });

    it('refuses the opaque origin "null"', async () => {
      expectError(await createFrom(server(), { Origin: 'null' }), ErrorCode.OriginRefused);
    });

    it('refuses a Socket.IO connection with a foreign Origin: connect_error ORIGIN_REFUSED', async () => {
      const owner = await createRoom(server());
      const code = await chatFor(server(), owner, { headers: { Origin: FOREIGN } }).connectRefusal();
      expect(code).toBe(ErrorCode.OriginRefused);
    });

    it('checks Origin before the token: a foreign Origin with a garbage token is ORIGIN_REFUSED', async () => {
      const code = await new ChatClient(server().url, { token: 'garbage', from: nextAddress(), headers: { Origin: FOREIGN } }).connectRefusal();
      expect(code).toBe(ErrorCode.OriginRefused);
    });

    it('refuses a Socket.IO connection over HTTP long-polling with a foreign Origin', async () => {
      // Long-polling requests from Node come from 127.0.0.1, so the session is made there.
      const owner = await createRoom(server(), { from: '127.0.0.1' });
      const code = await chatFor(server(), owner, { transports: ['polling'], headers: { Origin: FOREIGN } }).connectRefusal();
      expect(code).toBe(ErrorCode.OriginRefused);
    });

    it('accepts a Socket.IO connection over HTTP long-polling from its own origin', async () => {
      const owner = await createRoom(server(), { from: '127.0.0.1' });
      await chatFor(server(), owner, { transports: ['polling'], headers: { Origin: ownOrigin() } }).connect();
    });

    it('accepts a Socket.IO connection from its own origin', async () => {
      const owner = await createRoom(server());
      await chatFor(server(), owner, { headers: { Origin: ownOrigin() } }).connect();
    });

    it('accepts a Socket.IO connection without Origin', async () => {
      const owner = await createRoom(server());
      await chatFor(server(), owner).connect();
    });
  });

  describe('cross-site requests to /api (issue 11, finding 5)', () => {
    // A foreign page's <img src="/api/rooms/x/kdf"> sends no Origin, but Sec-Fetch-Site: cross-site.
    const server = useServer({ DISCONNECT_GRACE_MS: '60000' });
    const ownOrigin = () => `http://127.0.0.1:${server().port}`;

    it('refuses 125 cross-site look-ups before they count: the visitor\'s own look-up from the same address still succeeds', async () => {
      const owner = await createRoom(server());
      const visitor = nextAddress();
      const answers = [];
      for (let n = 0; n < 125; n += 1) answers.push((await getKdf(server(), `probe ${n}`, { from: visitor, headers: { 'Sec-Fetch-Site': 'cross-site' } })).body?.code);
      expect(new Set(answers)).toEqual(new Set([ErrorCode.OriginRefused]));
      const own = await getKdf(server(), owner.room, { from: visitor, headers: { 'Sec-Fetch-Site': 'same-origin' } });
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ kdf: owner.kdf });
    });

    it('refuses 125 look-ups with a foreign Origin before they count: the visitor\'s own look-up still succeeds', async () => {
      const owner = await createRoom(server());
      const visitor = nextAddress();
      for (let n = 0; n < 125; n += 1) expectError(await getKdf(server(), owner.room, { from: visitor, headers: { Origin: FOREIGN } }), ErrorCode.OriginRefused);
      expect((await getKdf(server(), owner.room, { from: visitor, headers: { Origin: ownOrigin() } })).body).toEqual({ kdf: owner.kdf });
    });

    it('refuses an existence check from another site: it would tell a foreign page which rooms exist', async () => {
      const owner = await createRoom(server());
      expectError(await getExists(server(), owner.room, { headers: { Origin: FOREIGN } }), ErrorCode.OriginRefused);
      expectError(await getExists(server(), owner.room, { headers: { 'Sec-Fetch-Site': 'cross-site' } }), ErrorCode.OriginRefused);
    });

    it('refuses a look-up from a sibling site (Sec-Fetch-Site: same-site): another site\'s code', async () => {
      const owner = await createRoom(server());
      expectError(await getKdf(server(), owner.room, { headers: { 'Sec-Fetch-Site': 'same-site' } }), ErrorCode.OriginRefused);
    });

    it('allows a look-up the user made directly (Sec-Fetch-Site: none) and one without the header', async () => {
      const owner = await createRoom(server());
      expect((await getKdf(server(), owner.room, { headers: { 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
      expect((await getKdf(server(), owner.room)).status).toBe(200);
    });

    it('refuses the directory, a create, a join and DELETE /api/session from a cross-site page', async () => {
      const owner = await createRoom(server());
      const crossSite = { 'Sec-Fetch-Site': 'cross-site' };
      expectError(await getDirectory(server(), { headers: crossSite }), ErrorCode.OriginRefused);
      expectError(await createFrom(server(), crossSite), ErrorCode.OriginRefused);
      expectError(await postSession(server(), owner.room, { username: 'bob', verifier: owner.verifier }, { headers: crossSite }), ErrorCode.OriginRefused);
      expectError(await deleteSession(server(), owner.token, { from: owner.from, headers: crossSite }), ErrorCode.OriginRefused);
      expect((await deleteSession(server(), owner.token, { from: owner.from, headers: { 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(204);
    });
  });

  describe('with ALLOWED_ORIGINS', () => {
    const allowed = ['https://chat.example.org', 'https://other.example.org'];
    const server = useServer({ DISCONNECT_GRACE_MS: '60000', ALLOWED_ORIGINS: allowed.join(',') });
    // The listed origins name this server's hosts too (origin-host.e2e-spec.ts): clients reach it as chat.example.org.
    const served = { Host: 'chat.example.org' };
    const createServed = (headers: Record<string, string>) => createFrom(server(), { ...served, ...headers });
    const createServedRoom = () => createRoom(server(), { headers: served });

    it.each(allowed)('allows the listed origin %s', async (origin) => {
      expect((await createServed({ Origin: origin })).status).toBe(201);
    });

    it('no longer allows its own origin (the list replaces the default)', async () => {
      expectError(await createServed({ Origin: 'http://chat.example.org' }), ErrorCode.OriginRefused);
    });

    it('still allows requests without Origin', async () => {
      expect((await createServed({})).status).toBe(201);
    });

    it('refuses an unlisted origin', async () => {
      expectError(await createServed({ Origin: FOREIGN }), ErrorCode.OriginRefused);
    });

    it('allows a listed origin on another site (its Origin names it, Sec-Fetch-Site says cross-site)', async () => {
      const owner = await createServedRoom();
      const res = await getKdf(server(), owner.room, { headers: { ...served, Origin: allowed[1]!, 'Sec-Fetch-Site': 'cross-site' } });
      expect(res.body).toEqual({ kdf: owner.kdf });
    });

    it('refuses a cross-site look-up without Origin', async () => {
      const owner = await createServedRoom();
      expectError(await getKdf(server(), owner.room, { headers: { ...served, 'Sec-Fetch-Site': 'cross-site' } }), ErrorCode.OriginRefused);
    });

    it('accepts a Socket.IO connection from a listed origin', async () => {
      const owner = await createServedRoom();
      await chatFor(server(), owner, { headers: { ...served, Origin: allowed[0]! } }).connect();
    });

    it('refuses a Socket.IO connection from its own, unlisted, origin', async () => {
      const owner = await createServedRoom();
      const code = await chatFor(server(), owner, { headers: { ...served, Origin: 'http://chat.example.org' } }).connectRefusal();
      expect(code).toBe(ErrorCode.OriginRefused);
    });
  });

  describe('behind a trusted proxy', () => {
    // PUBLIC_ORIGIN names the host the proxy forwards (origin-host.e2e-spec.ts); the Origin rule stays the default.
    const server = useServer({ DISCONNECT_GRACE_MS: '60000', TRUST_PROXY: `${PROXY_ADDRESS}/32`, PUBLIC_ORIGIN: 'https://chat.example.org' });
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'chat.example.org', 'X-Forwarded-For': '203.0.113.7' };

    it('takes its own origin from X-Forwarded-Proto and X-Forwarded-Host', async () => {
      const res = await createFrom(server(), { ...forwarded, Origin: 'https://chat.example.org' }, PROXY_ADDRESS);
      expect(res.status).toBe(201);
    });

    it('ignores X-Forwarded-Proto and X-Forwarded-Host from an untrusted client', async () => {
      // Its own origin is then http://chat.example.org, from its Host and its plain socket.
      expectError(await createFrom(server(), { ...forwarded, Host: 'chat.example.org', Origin: 'https://chat.example.org' }), ErrorCode.OriginRefused);
      expect((await createFrom(server(), { ...forwarded, Host: 'chat.example.org', Origin: 'http://chat.example.org' })).status).toBe(201);
    });

    it('still refuses a foreign origin that comes through the proxy', async () => {
      expectError(await createFrom(server(), { ...forwarded, Origin: FOREIGN }, PROXY_ADDRESS), ErrorCode.OriginRefused);
    });
  });
});
