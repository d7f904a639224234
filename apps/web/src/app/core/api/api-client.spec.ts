import { TestBed } from '@angular/core/testing';
import type { CreateRoomRequest, Kdf, SessionGrant } from '@ciphernest/protocol';
import { ApiClient } from './api-client';
import { ApiProblem, triesLeft } from './api-problem';

const KDF: Kdf = { alg: 'argon2id', m: 65536, t: 3, p: 1, salt: 'thdQBXfwJt08FAf-zyYRPw' };
const GRANT: SessionGrant = {
  token: 'opaque-token',
  vault: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
  room: { name: 'Café Lounge', creator: 'Zoë', createdAt: '2026-01-01T00:00:00.000Z', kdf: KDF },
  members: [{ name: 'Zoë', status: 'away', creator: true }],
};
const VERIFIER = 'U2_z1eHfBfUsCSOqkSKuSPDqneE5pFckOGwvGRV-478';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that records its calls and answers with `respond`, installed as globalThis.fetch. */
function fakeFetch(respond: (call: Call) => Response | Promise<Response>): Call[] {
  const calls: Call[] = [];
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  return calls;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: new Headers({ 'Content-Type': 'application/json', ...headers }),
    text: async () => (body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
  } as Response;
}

function errorBody(statusCode: number, code: string, message = 'server says no') {
  return { statusCode, code, message };
}

async function problemOf(promise: Promise<unknown>): Promise<ApiProblem> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiProblem);
  return error as ApiProblem;
}

describe('ApiClient', () => {
  const originalFetch = globalThis.fetch;
  let api: ApiClient;

  beforeEach(() => {
    api = TestBed.inject(ApiClient);
  });

  afterEach(() => {
    globalThis.fetch = originalFetch;
  });

  describe('createRoom', () => {
    it('posts the request as JSON to /api/rooms and returns the grant', async () => {
      const calls = fakeFetch(() => json(201, GRANT));
      const request: CreateRoomRequest = { room: 'Café Lounge', username: 'Zoë', verifier: VERIFIER, kdf: KDF };

      await expect(api.createRoom(request)).resolves.toEqual(GRANT);

      expect(calls).toHaveLength(1);
      expect(calls[0].url).toBe('/api/rooms');
      expect(calls[0].init.method).toBe('POST');
      expect(JSON.parse(calls[0].init.body as string)).toEqual(request);
      expect((calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
      expect(calls[0].init.credentials).toBe('same-origin');
    });

    it('maps ROOM_EXISTS to an ApiProblem with code, status and message', async () => {
      fakeFetch(() => json(409, errorBody(409, 'ROOM_EXISTS', 'A room with this name already exists.')));

      const problem = await problemOf(api.createRoom({ room: 'x', username: 'y', verifier: VERIFIER, kdf: KDF }));

      expect(problem.code).toBe('ROOM_EXISTS');
      expect(problem.status).toBe(409);
      expect(problem.message).toBe('A room with this name already exists.');
      expect(problem.retryAfterSeconds).toBeUndefined();
    });

    it("keeps the error body's requestId, for the reference line", async () => {
      fakeFetch(() => json(503, { ...errorBody(503, 'CAPACITY'), requestId: 'f81d4fae7dec11d0a76500a0c91e6bf6' }, { 'X-Request-ID': 'f81d4fae7dec11d0a76500a0c91e6bf6' }));

      const problem = await problemOf(api.createRoom({ room: 'x', username: 'y', verifier: VERIFIER, kdf: KDF }));

      expect(problem.requestId).toBe('f81d4fae7dec11d0a76500a0c91e6bf6');
    });

    it("takes the X-Request-ID header when a proxy answered without CipherNest's body (a 502)", async () => {
      fakeFetch(() => json(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html', 'X-Request-ID': '0123456789abcdef0123456789abcdef' }));

      const problem = await problemOf(api.createRoom({ room: 'x', username: 'y', verifier: VERIFIER, kdf: KDF }));

      expect({ code: problem.code, requestId: problem.requestId }).toEqual({ code: 'NETWORK', requestId: '0123456789abcdef0123456789abcdef' });
    });

    it('shows no reference that is not a well-formed id', async () => {
      fakeFetch(() => json(500, { ...errorBody(500, 'INTERNAL'), requestId: '<script>' }, { 'X-Request-ID': 'has space' }));

      const problem = await problemOf(api.createRoom({ room: 'x', username: 'y', verifier: VERIFIER, kdf: KDF }));

      expect(problem.requestId).toBeUndefined();
    });

    it('reads Retry-After seconds on RATE_LIMITED', async () => {
      fakeFetch(() => json(429, errorBody(429, 'RATE_LIMITED'), { 'Retry-After': '42' }));

      const problem = await problemOf(api.createRoom({ room: 'x', username: 'y', verifier: VERIFIER, kdf: KDF }));

      expect(problem.code).toBe('RATE_LIMITED');
      expect(problem.retryAfterSeconds).toBe(42);
    });

    it('reads a Retry-After date as seconds from now', async () => {
      const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
      fakeFetch(() => json(429, errorBody(429, 'RATE_LIMITED'), { 'Retry-After': inTenSeconds }));

      const problem = await problemOf(api.createRoom({ room: 'x', username: 'y', verifier: VERIFIER, kdf: KDF }));

      expect(problem.retryAfterSeconds).toBeGreaterThanOrEqual(8);
      expect(problem.retryAfterSeconds).toBeLessThanOrEqual(10);
    });

    it('refuses a success body that is not a grant', async () => {
      fakeFetch(() => json(201, { token: 'only a token' }));

      const problem = await problemOf(api.createRoom({ room: 'x', username: 'y', verifier: VERIFIER, kdf: KDF }));

      expect(problem.code).toBe('INTERNAL');
    });
  });

  describe('lookupKdf', () => {
    it('gets the percent-encoded kdf path and returns the kdf', async () => {
      const calls = fakeFetch(() => json(200, { kdf: KDF }));

      await expect(api.lookupKdf('Café Lounge')).resolves.toEqual(KDF);

      expect(calls[0].url).toBe('/api/rooms/Caf%C3%A9%20Lounge/kdf');
      expect(calls[0].init.method).toBe('GET');
      expect(calls[0].init.body).toBeUndefined();
    });

    it('rejects with ROOM_NOT_FOUND when the name is free', async () => {
      fakeFetch(() => json(404, errorBody(404, 'ROOM_NOT_FOUND')));

      const problem = await problemOf(api.lookupKdf('free'));

      expect(problem.code).toBe('ROOM_NOT_FOUND');
      expect(problem.status).toBe(404);
    });
  });

  describe('roomExists', () => {
    it('gets the percent-encoded exists path and answers both ways from a 200', async () => {
      const calls = fakeFetch((call) => json(200, { exists: call.url.includes('Lounge') }));

      await expect(api.roomExists('Café Lounge')).resolves.toBe(true);
      await expect(api.roomExists('Attic')).resolves.toBe(false);

      expect(calls.map((call) => [call.init.method, call.url])).toEqual([
        ['GET', '/api/rooms/Caf%C3%A9%20Lounge/exists'],
        ['GET', '/api/rooms/Attic/exists'],
      ]);
    });

    it('refuses an answer without a boolean exists', async () => {
      fakeFetch(() => json(200, { exists: 'yes' }));

      expect((await problemOf(api.roomExists('Attic'))).code).toBe('INTERNAL');
    });

    it('rejects with the rate limit and its Retry-After', async () => {
      fakeFetch(() => json(429, errorBody(429, 'RATE_LIMITED'), { 'Retry-After': '30' }));

      const problem = await problemOf(api.roomExists('Attic'));

      expect([problem.code, problem.retryAfterSeconds]).toEqual(['RATE_LIMITED', 30]);
    });
  });

  describe('joinRoom', () => {
    it('carries the tries left of a wrong password', async () => {
      fakeFetch(() => json(401, { ...errorBody(401, 'BAD_CREDENTIALS'), details: { triesLeft: 2 } }));

      const problem = await problemOf(api.joinRoom('Den', { username: 'Ann', verifier: VERIFIER }));

      expect(problem.code).toBe('BAD_CREDENTIALS');
      expect(triesLeft(problem)).toBe(2);
    });

    it('reads no tries left where the server sent none, or nonsense', async () => {
      for (const details of [undefined, { triesLeft: -1 }, { triesLeft: '2' }, { triesLeft: 1.5 }, [2]]) {
        fakeFetch(() => json(401, { ...errorBody(401, 'BAD_CREDENTIALS'), details }));

        expect(triesLeft(await problemOf(api.joinRoom('Den', { username: 'Ann', verifier: VERIFIER })))).toBeUndefined();
      }
    });

    it('posts username and verifier to the room sessions path', async () => {
      const calls = fakeFetch(() => json(201, GRANT));

      await expect(api.joinRoom('a/b?c', { username: 'Ann', verifier: VERIFIER })).resolves.toEqual(GRANT);

      expect(calls[0].url).toBe('/api/rooms/a%2Fb%3Fc/sessions');
      expect(calls[0].init.method).toBe('POST');
      expect(JSON.parse(calls[0].init.body as string)).toEqual({ username: 'Ann', verifier: VERIFIER });
    });

    it.each([
      [401, 'BAD_CREDENTIALS'],
      [409, 'USERNAME_TAKEN'],
      [409, 'ROOM_FULL'],
      [404, 'ROOM_NOT_FOUND'],
      [400, 'VALIDATION_FAILED'],
    ])('maps %i %s', async (status, code) => {
      fakeFetch(() => json(status, errorBody(status, code)));

      const problem = await problemOf(api.joinRoom('room', { username: 'Ann', verifier: VERIFIER }));

      expect(problem.code).toBe(code);
      expect(problem.status).toBe(status);
    });
  });

  describe('endSession', () => {
    it('deletes /api/session with the bearer token and no body', async () => {
      const calls = fakeFetch(() => json(204, undefined));

      await expect(api.endSession('tok.en')).resolves.toBeUndefined();

      expect(calls[0].url).toBe('/api/session');
      expect(calls[0].init.method).toBe('DELETE');
      expect((calls[0].init.headers as Record<string, string>)['Authorization']).toBe('Bearer tok.en');
      expect(calls[0].init.body).toBeUndefined();
    });

    it('rejects with SESSION_NOT_FOUND for an ended session', async () => {
      fakeFetch(() => json(401, errorBody(401, 'SESSION_NOT_FOUND')));

      expect((await problemOf(api.endSession('tok'))).code).toBe('SESSION_NOT_FOUND');
    });
  });

  describe('listRooms', () => {
    it('returns the directory', async () => {
      const calls = fakeFetch(() => json(200, { rooms: [{ name: 'Lobby', members: 3 }] }));

      await expect(api.listRooms()).resolves.toEqual({ rooms: [{ name: 'Lobby', members: 3 }] });
      expect(calls[0].url).toBe('/api/rooms');
      expect(calls[0].init.method).toBe('GET');
    });

    it('returns undefined when the directory is off (404)', async () => {
      fakeFetch(() => json(404, errorBody(404, 'NOT_FOUND')));

      await expect(api.listRooms()).resolves.toBeUndefined();
    });

    it('still rejects on other errors', async () => {
      fakeFetch(() => json(429, errorBody(429, 'RATE_LIMITED')));

      expect((await problemOf(api.listRooms())).code).toBe('RATE_LIMITED');
    });
  });

  describe('buildInfo', () => {
    const digest = 'ab'.repeat(32);

    it('fetches /build-info.json and returns the digest only', async () => {
      const calls = fakeFetch(() => json(200, { digest, files: ['index.html'] }));

      await expect(api.buildInfo()).resolves.toEqual({ digest });
      expect(calls[0].url).toBe('/build-info.json');
    });

    it('returns undefined when the file is absent', async () => {
      fakeFetch(() => json(404, '<h1>not found</h1>'));

      await expect(api.buildInfo()).resolves.toBeUndefined();
    });

    it('returns undefined when the answer is an HTML page (SPA fallback)', async () => {
      fakeFetch(() => json(200, '<!doctype html><html></html>'));

      await expect(api.buildInfo()).resolves.toBeUndefined();
    });

    it('returns undefined when the digest is not SHA-256 hex', async () => {
      fakeFetch(() => json(200, { digest: 'not-a-digest' }));

      await expect(api.buildInfo()).resolves.toBeUndefined();
    });
  });

  describe('failures without an error body', () => {
    it('turns a rejected fetch into NETWORK with status 0', async () => {
      fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));

      const problem = await problemOf(api.lookupKdf('room'));

      expect(problem.code).toBe('NETWORK');
      expect(problem.status).toBe(0);
    });

    it("turns a proxy's 502 page into NETWORK", async () => {
      fakeFetch(() => json(502, '<html>Bad Gateway</html>'));

      const problem = await problemOf(api.lookupKdf('room'));

      expect(problem.code).toBe('NETWORK');
      expect(problem.status).toBe(502);
    });

    it('turns a bare 429 into RATE_LIMITED, keeping Retry-After', async () => {
      fakeFetch(() => json(429, 'slow down', { 'Retry-After': '7' }));

      const problem = await problemOf(api.lookupKdf('room'));

      expect(problem.code).toBe('RATE_LIMITED');
      expect(problem.retryAfterSeconds).toBe(7);
    });

    it('turns an unknown code in an error body into INTERNAL', async () => {
      fakeFetch(() => json(500, errorBody(500, 'SOMETHING_NEW')));

      expect((await problemOf(api.lookupKdf('room'))).code).toBe('INTERNAL');
    });
  });
});
