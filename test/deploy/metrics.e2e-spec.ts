import { randomBytes } from 'node:crypto';
import { newMessageId } from '@ciphernest/crypto';
import { apiPaths, ErrorCode } from '@ciphernest/protocol';
import { expectError, nextAddress, randomVerifier } from '../support/builders';
import { ServerProcess } from '../support/server-process';
import { memberVia, roomVia, useStack, viaProxy, type ProxiedStack } from './support/proxied-stack';
import { closeAllMembers } from './support/secure-member';
import { fetchVia } from './support/web-request';

// GET /metrics (apps/server/src/metrics): off without METRICS_TOKEN, bearer-only with it, and
// numbers that follow a chat. Prometheus scrapes the app directly; the proxy hides /metrics.

const TOKEN = 'test-metrics-token-with-enough-entropy-0123456789';

type Samples = Map<string, number>;

function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function scrape(stack: ProxiedStack): Promise<Samples> {
  const res = await fetchVia(`${stack.app.url}/metrics`, { token: TOKEN, headers: { Accept: 'text/plain' } });
  expect(res.status).toBe(200);
  return parse(res.text);
}

const value = (samples: Samples, series: string): number => samples.get(series) ?? 0;

describe('GET /metrics', () => {
  describe('without METRICS_TOKEN', () => {
    it('does not exist: 404 NOT_FOUND, with or without a token', async () => {
      const app = await ServerProcess.start();
      try {
        expectError(await fetchVia(`${app.url}/metrics`), ErrorCode.NotFound);
        expectError(await fetchVia(`${app.url}/metrics`, { token: TOKEN }), ErrorCode.NotFound);
      } finally {
        await app.kill();
      }
    });
  });

  describe('with METRICS_TOKEN', () => {
    const stack = useStack({ METRICS_TOKEN: TOKEN, DISCONNECT_GRACE_MS: '60000' });
    afterEach(closeAllMembers);

    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { Authorization: `Bearer ${TOKEN}x` }],
      ['a prefix of the token', { Authorization: `Bearer ${TOKEN.slice(0, 20)}` }],
      ['another scheme', { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
    ])('answers %s with 401 and the JSON error body', async (_case, headers) => {
      const res = await fetchVia(`${stack().app.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, code: ErrorCode.TokenInvalid, message: expect.any(String), requestId: res.headers['x-request-id'] });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.text).not.toContain('ciphernest_');
    });

    it('is not reachable through the public proxy, even with the token', async () => {
      expectError(await viaProxy(stack(), '/metrics', { token: TOKEN }), ErrorCode.NotFound);
    });

    it('serves the Prometheus text format with the token, event-loop lag included', async () => {
      const res = await fetchVia(`${stack().app.url}/metrics`, { token: TOKEN });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;.*\bversion=0\.0\.4\b/);
      expect(res.headers['cache-control']).toBe('no-store');
      for (const name of ['ciphernest_rooms', 'ciphernest_sessions', 'ciphernest_messages_relayed_total', 'ciphernest_relayed_bytes_total', 'ciphernest_rejections_total', 'nodejs_eventloop_lag_seconds']) {
        expect(res.text).toContain(`# TYPE ${name} `);
      }
      expect(value(parse(res.text), 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    });

    it('moves with a chat: rooms, sessions online and away, messages, bytes, and rejections by code', async () => {
      const before = await scrape(stack());
      const { sessions, members } = await roomVia(stack(), [nextAddress(), nextAddress()], ['alice', 'bob']);
      const [alice, bob] = members;
      const sizes = [100, 2_000, 30_000];
      for (const size of sizes) expect((await alice!.send(newMessageId(), randomBytes(size), ['bob'])).ok).toBe(true);
      const repeated = [...alice!.acks.keys()][0]!;
      expect((await alice!.emitOnce(repeated, randomBytes(100))).ok).toBe(true);
      expect((await alice!.emitOnce('not an id', randomBytes(100))).ok).toBe(false);
      const refusedJoin = await viaProxy(stack(), apiPaths.sessions(sessions[0]!.room), { from: nextAddress(), json: { username: 'eve', verifier: randomVerifier() } });
      expect(refusedJoin.body?.code).toBe(ErrorCode.BadCredentials);
      expect(await memberVia(stack(), sessions[1]!, { from: nextAddress(), reconnection: false }).refusal()).toBe(ErrorCode.IpMismatch);

      const during = await scrape(stack());
      expect(value(during, 'ciphernest_rooms') - value(before, 'ciphernest_rooms')).toBe(1);
      expect(value(during, 'ciphernest_sessions{status="online"}') - value(before, 'ciphernest_sessions{status="online"}')).toBe(2);
      expect(value(during, 'ciphernest_messages_relayed_total') - value(before, 'ciphernest_messages_relayed_total')).toBe(3);
      expect(value(during, 'ciphernest_relayed_bytes_total') - value(before, 'ciphernest_relayed_bytes_total')).toBe(sizes.reduce((a, b) => a + b, 0));
      const rejections = (samples: Samples, code: string, channel: string): number => value(samples, `ciphernest_rejections_total{code="${code}",channel="${channel}"}`);
      expect(rejections(during, 'BAD_CREDENTIALS', 'http') - rejections(before, 'BAD_CREDENTIALS', 'http')).toBe(1);
      expect(rejections(during, 'IP_MISMATCH', 'handshake') - rejections(before, 'IP_MISMATCH', 'handshake')).toBe(1);
      expect(rejections(during, 'VALIDATION_FAILED', 'message') - rejections(before, 'VALIDATION_FAILED', 'message')).toBe(1);

      bob!.close();
      await alice!.until(() => !alice!.peersOnline.has('bob'), 5_000, 'bob away');
      const away = await scrape(stack());
      expect(value(away, 'ciphernest_sessions{status="away"}') - value(before, 'ciphernest_sessions{status="away"}')).toBe(1);
      expect(value(away, 'ciphernest_sessions{status="online"}') - value(before, 'ciphernest_sessions{status="online"}')).toBe(1);

      for (const session of sessions) {
        expect((await viaProxy(stack(), apiPaths.session(), { method: 'DELETE', from: session.from, token: session.token })).status).toBe(204);
      }
      const after = await scrape(stack());
      expect(value(after, 'ciphernest_rooms')).toBe(value(before, 'ciphernest_rooms'));
      expect(value(after, 'ciphernest_sessions{status="online"}') + value(after, 'ciphernest_sessions{status="away"}')).toBe(
        value(before, 'ciphernest_sessions{status="online"}') + value(before, 'ciphernest_sessions{status="away"}'),
      );
    });

    it('counts a join lockout: the join after RATE_FAILED_JOINS_PER_MIN wrong passwords from one address', async () => {
      const before = await scrape(stack());
      const { sessions } = await roomVia(stack(), [nextAddress(), nextAddress()], ['alice', 'bob']);
      const guesser = nextAddress();
      const guess = () => viaProxy(stack(), apiPaths.sessions(sessions[0]!.room), { from: guesser, json: { username: 'eve', verifier: randomVerifier() } });
      for (let attempt = 0; attempt < 5; attempt += 1) expect((await guess()).body?.code).toBe(ErrorCode.BadCredentials);
      expectError(await guess(), ErrorCode.RateLimited);

      const after = await scrape(stack());
      expect(value(after, 'ciphernest_join_lockouts_total') - value(before, 'ciphernest_join_lockouts_total')).toBe(1);
      expect(value(after, 'ciphernest_slow_consumers_total')).toBe(value(before, 'ciphernest_slow_consumers_total'));
    });

    it('labels carry codes and channels only: no room name, username or address', async () => {
      await roomVia(stack(), [nextAddress(), nextAddress()], ['alice', 'bob']);
      const res = await fetchVia(`${stack().app.url}/metrics`, { token: TOKEN });
      const labels = [...res.text.matchAll(/^ciphernest_\w+\{([^}]*)\}/gm)].flatMap((match) => match[1]!.split(',').map((pair) => pair.split('=')[0]));
      expect([...new Set(labels)].sort()).toEqual(expect.arrayContaining(['status']));
      expect(labels.filter((label) => !['status', 'code', 'channel'].includes(label!))).toEqual([]);
      expect(res.text).not.toMatch(/127\.0\.\d+\.\d+|alice|bob/);
    });
  });
});
