import { ServerEvent, type SessionEndEvent } from '@ciphernest/protocol';
import { RedisServer } from '../../apps/server/src/testing/redis-server';
import { connectAs, createRoom } from '../support/builders';
import { closeAllClients, delay } from '../support/chat-client';
import { ServerProcess } from '../support/server-process';
import { fetchVia } from './support/web-request';

// GET /livez ("restart me?") and GET /readyz ("send me traffic?") on the built server, over real
// HTTP: readiness turns 503 at SIGTERM while the sockets are still open, and while Redis cannot be
// reached (a real redis-server, killed under the running process). docs/deployment.md.

const TOKEN_SECRET = 'probes suite token secret, 32+ characters long';
/** Jest's timeout for anything that starts processes on a loaded 2-core machine. */
const SLOW_MS = 60_000;

interface Probe {
  status: number;
  body: unknown;
  cacheControl: string | undefined;
}

async function probe(server: ServerProcess, path: '/livez' | '/readyz' | '/healthz', headers: Record<string, string> = {}): Promise<Probe> {
  const res = await fetchVia(`${server.url}${path}`, { headers });
  return { status: res.status, body: res.body, cacheControl: res.headers['cache-control'] };
}

/** Asks /readyz until it answers something other than 200, and returns that answer. */
async function firstUnready(server: ServerProcess, timeoutMs: number): Promise<Probe> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe(server, '/readyz');
    if (answer.status !== 200) return answer;
    if (Date.now() > deadline) throw new Error(`/readyz still answered 200 after ${timeoutMs} ms`);
    await delay(50);
  }
}

describe('GET /livez and GET /readyz', () => {
  afterEach(closeAllClients);

  describe('a server that is serving', () => {
    let server: ServerProcess;

    beforeAll(async () => {
      server = await ServerProcess.start({ PUBLIC_ORIGIN: 'https://chat.example.com' });
    }, SLOW_MS);

    afterAll(async () => {
      await server.kill();
    });

    it.each([['/livez'], ['/healthz'], ['/readyz']] as const)('answers %s with 200 {"status":"ok"}, never cached', async (path) => {
      expect(await probe(server, path)).toEqual({ status: 200, body: { status: 'ok' }, cacheControl: 'no-store' });
    }, SLOW_MS);

    it('answers them whatever host the request names (probes ask by address), and logs none of them', async () => {
      for (const path of ['/livez', '/readyz', '/healthz'] as const) {
        expect((await probe(server, path, { Host: '10.1.2.3:3000' })).status).toBe(200);
        expect((await probe(server, path, { Host: 'anything.example' })).status).toBe(200);
      }
      // A request that is logged, after them: once its line is there, theirs would be too.
      const marker = await fetchVia(`${server.url}/api/unknown`, { headers: { Host: 'chat.example.com' } });
      expect(marker.status).toBe(404);
      await server.waitForLog((record) => record.event === 'http.request' && (record['req'] as { path: string }).path === '/api/unknown');
      const logged = server.logs().filter((record) => record.event === 'http.request').map((record) => (record['req'] as { path: string }).path);
      expect(logged.filter((path) => ['/livez', '/readyz', '/healthz'].includes(path))).toEqual([]);
    }, SLOW_MS);
  });

  describe('at SIGTERM (SHUTDOWN_DRAIN_MS)', () => {
    it('turns /readyz 503 "stopping" at once, keeps /livez 200 and the sockets open through the drain, then closes them and exits 0', async () => {
      const server = await ServerProcess.start({ SHUTDOWN_DRAIN_MS: '8000', LOG_LEVEL: 'info' });
      try {
        const owner = await createRoom(server);
        const { client } = await connectAs(server, owner);
        expect((await probe(server, '/readyz')).status).toBe(200);

        const stopped = server.stop('SIGTERM', 30_000);
        const unready = await firstUnready(server, 8_000);
        expect(unready).toEqual({ status: 503, body: { status: 'unready', reason: 'stopping' }, cacheControl: 'no-store' });
        // Draining: still alive, still serving, the member still connected and told nothing yet.
        expect((await probe(server, '/livez')).status).toBe(200);
        expect(client.connected).toBe(true);
        expect(client.eventNames()).not.toContain(ServerEvent.SessionEnd);

        // Then the drain ends: the member hears `shutdown`, the process exits 0.
        expect(await client.next<SessionEndEvent>(ServerEvent.SessionEnd, () => true, 20_000)).toEqual({ reason: 'shutdown' });
        const status = await stopped;
        expect({ code: status.code, signal: status.signal, killed: status.killed }).toEqual({ code: 0, signal: null, killed: false });
        const stopping = server.logs().find((record) => record.event === 'server.stopping');
        expect(stopping).toMatchObject({ signal: 'SIGTERM', drainMs: 8000 });
      } finally {
        await server.kill();
      }
    }, 2 * SLOW_MS);

    it('refuses a drain longer than a minute at start, naming the variable', async () => {
      const server = ServerProcess.spawn({ SHUTDOWN_DRAIN_MS: '60001' });
      const status = await server.exited;
      expect(status.code).toBe(1);
      expect(server.output()).toContain('SHUTDOWN_DRAIN_MS must be a whole number from 0 to 60000 (got "60001")');
    }, SLOW_MS);
  });

  describe('with STORE=redis', () => {
    it('turns /readyz 503 "store-unreachable" when Redis goes away while /livez stays 200, then stops as its heartbeat lapses', async () => {
      const redis = await RedisServer.start();
      let server: ServerProcess | undefined;
      try {
        server = await ServerProcess.start({ STORE: 'redis', REDIS_URL: redis.url, TOKEN_SECRET, LOG_LEVEL: 'info' });
        expect(await probe(server, '/readyz')).toEqual({ status: 200, body: { status: 'ok' }, cacheControl: 'no-store' });

        await redis.stop();
        const unready = await firstUnready(server, 10_000);
        expect(unready).toEqual({ status: 503, body: { status: 'unready', reason: 'store-unreachable' }, cacheControl: 'no-store' });
        expect((await probe(server, '/livez')).status).toBe(200);

        // Redis stays away: the heartbeat lapses and the process stops to be restarted (exit 1).
        const status = await server.exited;
        expect(status.code).toBe(1);
        expect(server.logs().map((record) => record.event)).toEqual(expect.arrayContaining(['redis.node_lapsed', 'server.stopping']));
      } finally {
        await server?.kill();
        await redis.stop();
      }
    }, 2 * SLOW_MS);
  });
});
