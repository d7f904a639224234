import { connect } from 'node:net';
import { apiPaths, ErrorCode, SOCKET_PATH } from '@ciphernest/protocol';
import { chatFor, createRoom, expectError, getKdf, nextAddress, postRoom, PROXY_ADDRESS, randomKdf, randomVerifier, uniqueRoomName } from './support/builders';
import { closeAllClients } from './support/chat-client';
import { sendRequest, type HttpResponse } from './support/http-client';
import { useServer, type ServerProcess } from './support/server-process';

// Issue 11, finding 10 (DNS rebinding): a request whose Host (behind a trusted proxy, its
// X-Forwarded-Host) names a host this server does not serve is refused, over HTTP and at every
// Engine.IO request: 403 ORIGIN_REFUSED (docs/protocol.md §4, "Host").

const EVIL = 'evil.example';
const PUBLIC_HOST = 'chat.example.test';
const METRICS_TOKEN = 'origin-host-metrics-token-0123456789abcdef';

function getWithHost(server: ServerProcess, path: string, host: string, headers: Record<string, string> = {}, from = nextAddress()): Promise<HttpResponse> {
  return sendRequest(server.url, { method: 'GET', path, headers: { Host: host, ...headers }, from });
}

/** An Engine.IO long-polling handshake, as a browser's first Socket.IO request. */
function engineHandshake(server: ServerProcess, host: string): Promise<HttpResponse> {
  return sendRequest(server.url, { method: 'GET', path: `${SOCKET_PATH}/?EIO=4&transport=polling`, headers: { Host: host }, from: '127.0.0.1' });
}

/** A raw WebSocket upgrade request to Engine.IO; resolves with the response's status line. */
function engineUpgrade(server: ServerProcess, host: string): Promise<string> {
  return new Promise((resolveUpgrade, rejectUpgrade) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, localAddress: nextAddress() });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      rejectUpgrade(new Error(`no answer to the upgrade within 10 s: ${JSON.stringify(received)}`));
    }, 10_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (!received.includes('\r\n')) return;
      clearTimeout(timer);
      socket.destroy();
      resolveUpgrade(received.slice(0, received.indexOf('\r\n')));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (!received.includes('\r\n')) rejectUpgrade(new Error(`closed without an answer: ${JSON.stringify(received)}`));
    });
    socket.write(
      `GET ${SOCKET_PATH}/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

function expectHostRefused(res: HttpResponse): void {
  expectError(res, ErrorCode.OriginRefused);
  expect(res.body.message).toMatch(/host/i);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toBeDefined();
}

describe('Host check against DNS rebinding (issue 11, finding 10)', () => {
  afterEach(closeAllClients);

  describe('with neither PUBLIC_ORIGIN nor ALLOWED_ORIGINS: localhost names and literal addresses only', () => {
    const server = useServer({ DISCONNECT_GRACE_MS: '60000' });
    const port = () => server().port;

    it.each([EVIL, `${EVIL}:PORT`, 'localhost.evil.example:PORT', 'localhost@evil.example', 'evil.example.:PORT'])('refuses a look-up with Host %s: 403 ORIGIN_REFUSED', async (host) => {
      const owner = await createRoom(server());
      expectHostRefused(await getWithHost(server(), apiPaths.kdf(owner.room), host.replace('PORT', String(port()))));
    });

    it.each(['localhost:PORT', 'LOCALHOST:PORT', 'chat.localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT', '192.0.2.10:PORT', '[2001:db8::1]', 'localhost.'])('allows Host %s', async (host) => {
      const owner = await createRoom(server());
      expect((await getWithHost(server(), apiPaths.kdf(owner.room), host.replace('PORT', String(port())))).body).toEqual({ kdf: owner.kdf });
    });

    it('refuses a create with a foreign Host and creates nothing', async () => {
      const room = uniqueRoomName();
      const res = await postRoom(server(), { room, username: 'alice', verifier: randomVerifier(), kdf: randomKdf() }, { headers: { Host: `${EVIL}:${port()}` } });
      expectHostRefused(res);
      expectError(await getKdf(server(), room), ErrorCode.RoomNotFound);
    });

    it('refuses pages too, and logs host.rejected with the host named', async () => {
      expectHostRefused(await getWithHost(server(), '/', `${EVIL}:${port()}`));
      await server().waitForLog((record) => record.event === 'host.rejected' && record['host'] === `${EVIL}:${port()}`);
    });

    it('keeps /healthz reachable whatever the host (health checks)', async () => {
      expect((await getWithHost(server(), apiPaths.health(), EVIL)).body).toEqual({ status: 'ok' });
    });

    it('refuses an Engine.IO handshake with a foreign Host: 403 ORIGIN_REFUSED, and accepts one with localhost', async () => {
      const refused = await engineHandshake(server(), `${EVIL}:${port()}`);
      expectError(refused, ErrorCode.OriginRefused);
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
      const accepted = await engineHandshake(server(), `localhost:${port()}`);
      expect(accepted.status).toBe(200);
      expect(accepted.text).toMatch(/^0\{"sid":/);
    });

    it('refuses a poll of an open Engine.IO connection that names a foreign Host', async () => {
      const accepted = await engineHandshake(server(), `127.0.0.1:${port()}`);
      const sid = (JSON.parse(accepted.text.slice(1)) as { sid: string }).sid;
      const poll = await sendRequest(server().url, { method: 'GET', path: `${SOCKET_PATH}/?EIO=4&transport=polling&sid=${sid}`, headers: { Host: EVIL }, from: '127.0.0.1' });
      expectError(poll, ErrorCode.OriginRefused);
    });

    it('refuses a WebSocket upgrade with a foreign Host: 403, and upgrades one with localhost', async () => {
      expect(await engineUpgrade(server(), `${EVIL}:${port()}`)).toBe('HTTP/1.1 403 Forbidden');
      expect(await engineUpgrade(server(), `localhost:${port()}`)).toBe('HTTP/1.1 101 Switching Protocols');
    });

    it('connects a member whose Socket.IO client names localhost', async () => {
      const owner = await createRoom(server(), { headers: { Host: `localhost:${port()}` } });
      await chatFor(server(), owner).connect();
    });
  });

  describe(`with PUBLIC_ORIGIN=https://${PUBLIC_HOST}: its host only`, () => {
    const server = useServer({ PUBLIC_ORIGIN: `https://${PUBLIC_HOST}`, METRICS_TOKEN, DISCONNECT_GRACE_MS: '60000' });
    const publicHost = { Host: PUBLIC_HOST };

    it.each([PUBLIC_HOST, `${PUBLIC_HOST}:3000`, 'Chat.Example.Test', `${PUBLIC_HOST}.`])('allows Host %s', async (host) => {
      const owner = await createRoom(server(), { headers: publicHost });
      expect((await getWithHost(server(), apiPaths.kdf(owner.room), host)).body).toEqual({ kdf: owner.kdf });
    });

    it.each(['localhost', '127.0.0.1', EVIL, `other.${PUBLIC_HOST}`, `${PUBLIC_HOST}.evil.example`])('refuses Host %s', async (host) => {
      const owner = await createRoom(server(), { headers: publicHost });
      expectHostRefused(await getWithHost(server(), apiPaths.kdf(owner.room), host));
    });

    it('keeps /healthz and /metrics reachable on the private address', async () => {
      expect((await getWithHost(server(), apiPaths.health(), `127.0.0.1:${server().port}`)).body).toEqual({ status: 'ok' });
      const metrics = await getWithHost(server(), '/metrics', `127.0.0.1:${server().port}`, { Authorization: `Bearer ${METRICS_TOKEN}`, Accept: 'text/plain' });
      expect(metrics.status).toBe(200);
    });

    it('refuses an Engine.IO handshake naming the address, and accepts one naming the public host', async () => {
      expectError(await engineHandshake(server(), `127.0.0.1:${server().port}`), ErrorCode.OriginRefused);
      expect((await engineHandshake(server(), PUBLIC_HOST)).status).toBe(200);
      expect(await engineUpgrade(server(), `127.0.0.1:${server().port}`)).toBe('HTTP/1.1 403 Forbidden');
    });

    it('chats with members that name the public host', async () => {
      const owner = await createRoom(server(), { headers: publicHost });
      await chatFor(server(), owner).connect();
    });
  });

  describe('behind a trusted proxy: X-Forwarded-Host counts', () => {
    const server = useServer({ PUBLIC_ORIGIN: `https://${PUBLIC_HOST}`, TRUST_PROXY: `${PROXY_ADDRESS}/32`, DISCONNECT_GRACE_MS: '60000' });
    const viaProxy = (forwardedHost: string) => ({ Host: `127.0.0.1:${server().port}`, 'X-Forwarded-Host': forwardedHost, 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' });

    it('allows the public host forwarded by the proxy', async () => {
      const owner = await createRoom(server(), { headers: { Host: PUBLIC_HOST } });
      expect((await getKdf(server(), owner.room, { from: PROXY_ADDRESS, headers: viaProxy(PUBLIC_HOST) })).body).toEqual({ kdf: owner.kdf });
    });

    it('refuses a foreign host forwarded by the proxy', async () => {
      expectHostRefused(await getKdf(server(), 'any room', { from: PROXY_ADDRESS, headers: viaProxy(EVIL) }));
    });

    it('ignores X-Forwarded-Host from a client that is not the proxy', async () => {
      expectHostRefused(await getKdf(server(), 'any room', { headers: { Host: EVIL, 'X-Forwarded-Host': PUBLIC_HOST } }));
    });
  });

  describe('with ALLOWED_ORIGINS only: their hosts', () => {
    const server = useServer({ ALLOWED_ORIGINS: 'https://chat.example.org,https://other.example.org', DISCONNECT_GRACE_MS: '60000' });

    it('allows the hosts of the listed origins and refuses others, localhost included', async () => {
      const owner = await createRoom(server(), { headers: { Host: 'chat.example.org' } });
      expect((await getWithHost(server(), apiPaths.kdf(owner.room), 'other.example.org')).status).toBe(200);
      expectHostRefused(await getWithHost(server(), apiPaths.kdf(owner.room), `localhost:${server().port}`));
    });
  });
});
