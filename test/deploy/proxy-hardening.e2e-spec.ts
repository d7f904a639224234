import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { apiPaths, ErrorCode, SOCKET_PATH } from '@ciphernest/protocol';
import { expectError, nextAddress } from '../support/builders';
import { freePort, NginxProxy } from './support/nginx-proxy';
import { createVia, useStack, viaProxy, type ProxiedStack } from './support/proxied-stack';
import { generateCertificate } from './support/tls-certificate';
import { fetchVia } from './support/web-request';

// Issue 11, findings 7 and 10 behind the project's nginx: the /metrics block cannot be walked
// around (case, trailing slash, percent-encoding, dot segments), nginx's own answers carry the
// app's security headers, and a foreign Host forwarded by nginx is refused by the app.

const METRICS_TOKEN = 'proxy-hardening-metrics-token-0123456789abcdef';

/** The security headers the app sends on every answer (helmet and security-headers.ts). */
const SECURITY_HEADERS = [
  'content-security-policy', 'permissions-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster',
  'referrer-policy', 'x-content-type-options', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options',
  'x-permitted-cross-domain-policies', 'x-xss-protection',
];

/** The CSP of an answer that is never a page: nothing may load, nothing may frame it. */
const NOTHING_ALLOWED = "default-src 'none'; frame-ancestors 'none'";

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** An HTTPS request whose path goes out exactly as written (no URL normalisation in the client). */
function rawVia(origin: string, ca: Buffer, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  const url = new URL(origin);
  return new Promise((resolveAnswer, rejectAnswer) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        // The certificate is checked for a name it holds, whatever Host the request names.
        servername: 'localhost',
        ca,
        agent: false,
        headers: { Accept: 'application/json', ...headers },
        timeout: 10_000,
        localAddress: nextAddress(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', rejectAnswer);
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', rejectAnswer);
    req.end(body);
  });
}

/** The app's own security headers, as it sends them through the proxy (an API 404). */
async function appHeaders(stack: ProxiedStack): Promise<IncomingHttpHeaders> {
  const res = await viaProxy(stack, '/api/no-such-route', { from: nextAddress() });
  expectError(res, ErrorCode.NotFound);
  return res.headers;
}

/** nginx's own answer carries every security header of the app's, with the same value (its CSP allows nothing), and HSTS. */
function expectAppSecurityHeaders(answer: RawAnswer, app: IncomingHttpHeaders): void {
  for (const name of SECURITY_HEADERS) {
    const expected = name === 'content-security-policy' ? NOTHING_ALLOWED : app[name];
    expect({ name, value: answer.headers[name] }).toEqual({ name, value: expected });
  }
  expect(answer.headers['strict-transport-security']).toBe('max-age=63072000');
}

describe('nginx in front of a strict app', () => {
  const stack = useStack({ METRICS_TOKEN, DISCONNECT_GRACE_MS: '60000' });
  const raw = (path: string, headers: Record<string, string> = {}, body?: string) => rawVia(stack().origin, stack().certificate.ca, path, headers, body);

  describe('the /metrics block', () => {
    it.each(['/metrics', '/METRICS', '/Metrics', '/metrics/', '/METRICS/', '/%6Detrics', '/%6detrics', '/%6D%65%74%72%69%63%73', '//metrics', '/./metrics', '/api/../metrics', '/metrics;x', '/metrics.txt'])(
      'refuses %s through the proxy with the token: 404 from nginx itself',
      async (path) => {
        const res = await raw(path, { Authorization: `Bearer ${METRICS_TOKEN}` });
        expect({ status: res.status, body: JSON.parse(res.text) as unknown }).toEqual({
          status: 404,
          body: { statusCode: 404, code: ErrorCode.NotFound, message: expect.any(String), requestId: res.headers['x-request-id'] },
        });
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
        expect(res.text).not.toContain('ciphernest_');
      },
    );

    it('never let the app see any of them: the access log shows no upstream for them', async () => {
      // The log keeps each path as sent (percent-encoded): decoded, every one names metrics.
      const records = await stack().proxy.waitForAccessLines<{ req: { path: string }; res: { statusCode: number }; upstreamStatus: string }>(
        (record) => /metrics/i.test(decodeURIComponent(record.req.path)),
        13,
      );
      for (const record of records) {
        expect({ statusCode: record.res.statusCode, upstreamStatus: record.upstreamStatus }).toEqual({ statusCode: 404, upstreamStatus: '' });
      }
    });

    it('still lets Prometheus scrape the app directly on its private address', async () => {
      const direct = await fetchVia(`${stack().app.url}/metrics`, { token: METRICS_TOKEN, headers: { Accept: 'text/plain' } });
      expect(direct.status).toBe(200);
      expect(direct.text).toContain('# TYPE ciphernest_rooms ');
    });
  });

  describe("nginx's own answers carry the app's security headers", () => {
    it('on its 404 for /metrics', async () => {
      expectAppSecurityHeaders(await raw('/METRICS'), await appHeaders(stack()));
    });

    it('on its 413 for a body over 64 KiB', async () => {
      const answer = await raw(apiPaths.rooms(), { 'Content-Type': 'application/json' }, JSON.stringify({ room: 'x'.repeat(70_000) }));
      expect(answer.status).toBe(413);
      expectAppSecurityHeaders(answer, await appHeaders(stack()));
    });

    it('on its 502 while the app is down', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ciphernest-cert-'));
      const certificate = generateCertificate(dir);
      const orphan = await NginxProxy.start({ upstreamPort: await freePort(), certificate, httpPort: await freePort(), httpsPort: await freePort() });
      try {
        const answer = await rawVia(orphan.origin, certificate.ca, '/healthz');
        expect(answer.status).toBe(502);
        expectAppSecurityHeaders(answer, await appHeaders(stack()));
      } finally {
        await orphan.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("adds none to the app's own answers: each header comes once, the app's", async () => {
      const app = await appHeaders(stack());
      expect(app['content-security-policy']).toMatch(/^default-src 'self';/);
      expect(app['x-content-type-options']).toBe('nosniff');
      expect(app['x-frame-options']).toBe('DENY');
      const engine = await viaProxy(stack(), `${SOCKET_PATH}/?EIO=4&transport=polling`, { from: nextAddress() });
      expect(engine.status).toBe(200);
      expect(engine.headers['content-security-policy']).toBe(NOTHING_ALLOWED);
      expect(engine.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('the Host the client named (DNS rebinding)', () => {
    it('is forwarded by nginx and checked by the app: a foreign Host is 403 ORIGIN_REFUSED', async () => {
      const owner = await createVia(stack(), nextAddress());
      const foreign = await raw(apiPaths.kdf(owner.room), { Host: 'evil.example' });
      expect({ status: foreign.status, code: (JSON.parse(foreign.text) as { code: string }).code }).toEqual({ status: 403, code: ErrorCode.OriginRefused });
      const own = await raw(apiPaths.kdf(owner.room), { Host: new URL(stack().origin).host });
      expect({ status: own.status, body: JSON.parse(own.text) as unknown }).toEqual({ status: 200, body: { kdf: owner.grant.room.kdf } });
    });

    it('refuses an Engine.IO handshake naming a foreign Host through the proxy', async () => {
      const refused = await raw(`${SOCKET_PATH}/?EIO=4&transport=polling`, { Host: 'evil.example' });
      expect(refused.status).toBe(403);
      expect((JSON.parse(refused.text) as { code: string }).code).toBe(ErrorCode.OriginRefused);
    });
  });
});
