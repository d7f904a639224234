import { deriveRoomKeys, decryptMessage, encryptText, newKdf, newMessageId } from '@ciphernest/crypto';
import { randomBytes } from 'node:crypto';
import { apiPaths, ClientEvent, DEFAULT_LIMITS, ErrorCode, nameKey, normalizeName, ServerEvent, SOCKET_PATH, type SessionEndEvent } from '@ciphernest/protocol';
import { expectError, nextAddress, randomKdf, randomVerifier, uniqueRoomName } from '../support/builders';
import { fetchVia } from './support/web-request';
import { freePort } from './support/nginx-proxy';
import { createVia, joinVia, memberVia, useStack, viaProxy, PROXY_SOURCE } from './support/proxied-stack';
import { closeAllMembers } from './support/secure-member';
import { nodeHandshake, opensslHandshake, withLegacyServer, type LegacyVersion } from './support/tls-probe';

// The "built server behind a real nginx" (docker/nginx/ciphernest.conf.template, rendered
// by docker/scripts/render-nginx-config.mjs, certificate by docker/scripts/generate-cert.sh):
// TLS, headers, the app through the proxy, the client's own address, and the Origin rule.

/** Mozilla "intermediate" (guidelines 5.7): the only suites nginx may pick. */
const INTERMEDIATE_TLS12 = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
];
const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

describe('CipherNest behind nginx with TLS', () => {
  const stack = useStack({ DISCONNECT_GRACE_MS: '60000' });
  afterEach(closeAllMembers);

  describe('TLS', () => {
    it('redirects plain HTTP to the public HTTPS origin, keeping path and query, whatever Host says', async () => {
      const res = await fetchVia(`${stack().proxy.httpOrigin}/login?roomname=Team`, { headers: { Host: 'evil.example' } });
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe(`${stack().origin}/login?roomname=Team`);
    });

    it.each<[LegacyVersion, string]>([
      ['tls1', 'TLSv1'],
      ['tls1_1', 'TLSv1.1'],
    ])('refuses %s with a protocol_version alert, from a client that can speak it', async (version, name) => {
      const controlPort = await freePort();
      const control = await withLegacyServer(stack().certificate, controlPort, version, () => opensslHandshake(controlPort, version));
      expect({ completed: control.completed, protocol: control.protocol }).toEqual({ completed: true, protocol: name });

      const refused = opensslHandshake(stack().proxy.httpsPort, version);
      expect({ clientHelloSent: refused.clientHelloSent, completed: refused.completed, serverAlert: refused.serverAlert }).toEqual({
        clientHelloSent: true,
        completed: false,
        serverAlert: 'protocol_version',
      });
    });

    it('accepts TLS 1.2 with an intermediate suite and a certificate that verifies against the local CA', async () => {
      const tls12 = await nodeHandshake(stack().proxy.httpsPort, stack().certificate.ca, 'TLSv1.2');
      expect(tls12.protocol).toBe('TLSv1.2');
      expect(tls12.authorized).toBe(true);
      expect(INTERMEDIATE_TLS12).toContain(tls12.cipher);
      expect(opensslHandshake(stack().proxy.httpsPort, 'tls1_2')).toMatchObject({ completed: true, protocol: 'TLSv1.2' });
    });

    it('accepts TLS 1.3', async () => {
      const tls13 = await nodeHandshake(stack().proxy.httpsPort, stack().certificate.ca, 'TLSv1.3');
      expect(tls13.protocol).toBe('TLSv1.3');
      expect(tls13.authorized).toBe(true);
      expect(TLS13).toContain(tls13.cipher);
      expect(opensslHandshake(stack().proxy.httpsPort, 'tls1_3')).toMatchObject({ completed: true, protocol: 'TLSv1.3' });
    });

    it('refuses TLS 1.2 suites outside the intermediate list (CBC, RSA key exchange)', () => {
      const weak = opensslHandshake(stack().proxy.httpsPort, 'tls1_2', 'ECDHE-ECDSA-AES128-SHA:AES128-SHA:AES256-SHA256');
      expect({ clientHelloSent: weak.clientHelloSent, completed: weak.completed, serverAlert: weak.serverAlert }).toEqual({
        clientHelloSent: true,
        completed: false,
        serverAlert: 'handshake_failure',
      });
    });

    it('sends one HSTS header, from nginx, and the app page carries the CSP', async () => {
      const page = await viaProxy(stack(), '/');
      expect(page.headers['strict-transport-security']).toBe('max-age=63072000');
      expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
      const api = await viaProxy(stack(), '/healthz');
      expect(api.headers['strict-transport-security']).toBe('max-age=63072000');
    });
  });

  describe('the app through the proxy', () => {
    it('serves the app page', async () => {
      const res = await viaProxy(stack(), '/', { headers: { Accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<app-root');
    });

    it('answers /healthz', async () => {
      const res = await viaProxy(stack(), '/healthz');
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('keeps /metrics off the public origin', async () => {
      expectError(await viaProxy(stack(), '/metrics', { token: 'anything' }), ErrorCode.NotFound);
    });

    it("refuses a JSON body over 64 KiB with the app's own error body", async () => {
      const body = JSON.stringify({ room: 'x'.repeat(70_000) });
      expectError(await viaProxy(stack(), apiPaths.rooms(), { from: nextAddress(), rawBody: body }), ErrorCode.PayloadTooLarge);
    });

    it('passes the Socket.IO long-polling fallback too (an Engine.IO handshake over plain HTTPS requests)', async () => {
      const res = await viaProxy(stack(), `${SOCKET_PATH}/?EIO=4&transport=polling`, { from: nextAddress() });
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/^0\{"sid":"[^"]+"/);
    });

    it('does not open CORS to other origins', async () => {
      const res = await viaProxy(stack(), '/healthz', { headers: { Origin: 'https://evil.example' } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('a two-member chat over wss://', () => {
    it('creates, joins, relays encrypted messages both ways, and leaves, all through the proxy', async () => {
      const password = 'correct horse battery staple';
      const room = uniqueRoomName('Proxied');
      const roomKey = nameKey(normalizeName(room));
      const kdf = newKdf({ m: 19_456, t: 2 });
      const keys = await deriveRoomKeys(password, roomKey, kdf);
      const alice = await createVia(stack(), nextAddress(), { room, username: 'alice', verifier: keys.verifier, kdf });
      const kdfRes = await viaProxy(stack(), apiPaths.kdf(room), { from: nextAddress() });
      expect(kdfRes.body).toEqual({ kdf });
      const bob = await joinVia(stack(), alice, nextAddress(), 'bob');

      const aliceChat = memberVia(stack(), alice);
      const bobChat = memberVia(stack(), bob);
      await aliceChat.connect();
      const presence = await bobChat.connect();
      expect(presence.members.map((member) => [member.name, member.status]).sort()).toEqual([
        ['alice', 'online'],
        ['bob', 'online'],
      ]);
      await aliceChat.until(() => aliceChat.peersOnline.has('bob'), 5_000, 'bob joined');

      const lines: [typeof aliceChat, string, typeof bobChat, string][] = [
        [aliceChat, 'alice', bobChat, 'Through TLS and nginx, still only ciphertext.'],
        [bobChat, 'bob', aliceChat, 'And the proxy cannot read it either.'],
        [aliceChat, 'alice', bobChat, 'Third message, to see seq count up.'],
      ];
      const seqs: number[] = [];
      for (const [sender, from, receiver, text] of lines) {
        const id = newMessageId();
        const box = Buffer.from(await encryptText(keys.encKey, { roomKey, from, id }, text));
        const ack = await sender.emitOnce(id, box);
        expect(ack).toEqual({ ok: true, seq: expect.any(Number), ts: expect.any(Number) });
        await receiver.until(() => receiver.delivered.some((message) => message.id === id), 5_000, `message ${id}`);
        const relayed = receiver.events(ServerEvent.Message).find((message) => (message as { id: string }).id === id) as { id: string; from: string; seq: number; ts: number; box: Buffer };
        expect(Object.keys(relayed).sort()).toEqual(['box', 'from', 'id', 'seq', 'ts']);
        expect({ from: relayed.from, seq: relayed.seq, ts: relayed.ts }).toEqual({ from, seq: (ack as { seq: number }).seq, ts: (ack as { ts: number }).ts });
        expect(await decryptMessage(keys.encKey, { roomKey, from: relayed.from, id: relayed.id }, relayed.box)).toEqual({ kind: 'text', text });
        seqs.push(relayed.seq);
      }
      expect(seqs).toEqual([1, 2, 3]);

      const leave = await bobChat.socket.timeout(3_000).emitWithAck(ClientEvent.Leave);
      expect(leave).toEqual({ ok: true });
      await bobChat.until(() => bobChat.count(ServerEvent.SessionEnd) > 0, 3_000, 'session:end');
      expect(bobChat.events(ServerEvent.SessionEnd)).toEqual([{ reason: 'left' } satisfies SessionEndEvent]);
      await aliceChat.until(() => aliceChat.count(ServerEvent.Member, (event) => event.type === 'left' && event.name === 'bob') > 0, 3_000, 'bob left');
    });
  });

  describe('a box of the largest allowed size (docs/protocol.md §5, §7), through the project\'s nginx', () => {
    // Long-polling carries binary as base64 (4/3 larger): the app's polling limit and nginx's
    // CIPHERNEST_SOCKET_MAX_BODY (12m by default) must both let a MAX_MESSAGE_BYTES box through.
    it.each<['websocket' | 'polling']>([['websocket'], ['polling']])(
      'relays a box of exactly MAX_MESSAGE_BYTES over %s, and refuses one byte more with PAYLOAD_TOO_LARGE, the socket staying open',
      async (transport) => {
        // Polling requests from Node come from 127.0.0.1: the sessions are issued to it.
        const sender = transport === 'polling' ? '127.0.0.1' : nextAddress();
        const owner = await createVia(stack(), sender, { room: uniqueRoomName(`Largest ${transport}`), username: 'alice' });
        const guest = await joinVia(stack(), owner, nextAddress(), 'bob');
        const alice = memberVia(stack(), owner, { transports: [transport], reconnection: false });
        const bob = memberVia(stack(), guest, { reconnection: false });
        await alice.connect(15_000);
        await bob.connect();
        const largest = DEFAULT_LIMITS.maxMessageBytes;

        const id = newMessageId();
        const ack = await alice.socket.timeout(60_000).emitWithAck(ClientEvent.Message, { id, box: randomBytes(largest) });
        expect(ack).toEqual({ ok: true, seq: 1, ts: expect.any(Number) });
        await bob.until(() => bob.delivered.some((message) => message.id === id), 60_000, 'the largest box');
        expect(bob.delivered.find((message) => message.id === id)?.bytes).toBe(largest);

        const over = await alice.socket.timeout(60_000).emitWithAck(ClientEvent.Message, { id: newMessageId(), box: randomBytes(largest + 1) });
        expect(over).toMatchObject({ ok: false, error: { code: ErrorCode.PayloadTooLarge } });
        expect(alice.socket.connected).toBe(true);
        alice.socket.disconnect();
        bob.socket.disconnect();
      },
      180_000,
    );
  });

  describe('the client address the app sees', () => {
    it("is the client's own (127.0.0.x), in the session binding and in the log", async () => {
      const from = nextAddress();
      const owner = await createVia(stack(), from, { room: uniqueRoomName('Addressed') });
      const created = await stack().app.waitForLog((record) => record.event === 'room.created' && record.room === owner.room);
      expect(created['ip']).toBe(from);
      const chat = memberVia(stack(), owner);
      await chat.connect();
      const connected = await stack().app.waitForLog((record) => record.event === 'socket.connected' && record.room === owner.room);
      expect(connected['ip']).toBe(from);
      expect(from).not.toBe(PROXY_SOURCE);
    });

    it('ignores a client-sent X-Forwarded-For: nginx overwrites it with the real peer', async () => {
      const from = nextAddress();
      const claimed = nextAddress();
      const owner = await createVia(stack(), from, { room: uniqueRoomName('Forged'), headers: { 'X-Forwarded-For': claimed } });
      const created = await stack().app.waitForLog((record) => record.event === 'room.created' && record.room === owner.room);
      expect(created['ip']).toBe(from);
      // The session is bound to the real address: the claimed one cannot use the token ...
      expect(await memberVia(stack(), owner, { from: claimed, reconnection: false }).refusal()).toBe(ErrorCode.IpMismatch);
      // ... and the real one can.
      await memberVia(stack(), owner).connect();
    });

    it('keeps IP_MISMATCH through the proxy: a token works only from the address it was issued to', async () => {
      const owner = await createVia(stack(), nextAddress());
      const thief = nextAddress();
      expect(await memberVia(stack(), owner, { from: thief, reconnection: false }).refusal()).toBe(ErrorCode.IpMismatch);
      expect(await memberVia(stack(), owner, { from: thief, reconnection: false, headers: { 'X-Forwarded-For': owner.from } }).refusal()).toBe(ErrorCode.IpMismatch);
      expectError(await viaProxy(stack(), apiPaths.session(), { method: 'DELETE', from: thief, token: owner.token, headers: { 'X-Forwarded-For': owner.from } }), ErrorCode.IpMismatch);
      const rejected = await stack().app.waitForLog((record) => record.event === 'socket.rejected' && record.reason === ErrorCode.IpMismatch && record['ip'] === thief);
      expect(rejected['ip']).toBe(thief);
      expect((await viaProxy(stack(), apiPaths.session(), { method: 'DELETE', from: owner.from, token: owner.token })).status).toBe(204);
    });

    it('trusts only the proxy: a client reaching the app directly cannot claim an address with X-Forwarded-For', async () => {
      const from = nextAddress();
      const room = uniqueRoomName('Direct');
      const res = await fetchVia(`${stack().app.url}${apiPaths.rooms()}`, {
        from,
        json: { room, username: 'alice', verifier: randomVerifier(), kdf: randomKdf() },
        headers: { 'X-Forwarded-For': nextAddress() },
      });
      expect(res.status).toBe(201);
      const created = await stack().app.waitForLog((record) => record.event === 'room.created' && record.room === room);
      expect(created['ip']).toBe(from);
    });
  });

  describe('request ids: nginx sets X-Request-ID, passes it to the app, logs it, and returns it', () => {
    /** nginx's access-log lines (JSON) for one request id, once nginx has written the first. */
    const proxyLines = (id: string) =>
      stack().proxy.waitForAccessLines<{ event: string; reqId: string; req: { path: string }; res: { statusCode: number } }>((record) => record.reqId === id);

    it("gives a request without one nginx's $request_id: in the answer, the error body, the app's log and nginx's log", async () => {
      const room = uniqueRoomName('No such');
      const res = await viaProxy(stack(), apiPaths.kdf(room), { from: nextAddress() });
      expectError(res, ErrorCode.RoomNotFound);
      const id = res.headers['x-request-id'] as string;
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const logged = await stack().app.waitForLog((record) => record.event === 'http.request' && record['reqId'] === id);
      expect(logged).toMatchObject({ reqId: id, req: { id, path: apiPaths.kdf(room) }, res: { statusCode: 404 } });
      expect(await proxyLines(id)).toEqual([expect.objectContaining({ event: 'proxy.request', reqId: id, req: expect.objectContaining({ path: apiPaths.kdf(room) }), res: expect.objectContaining({ statusCode: 404 }) })]);
    });

    it('keeps a well-formed incoming id from end to end, and answers with exactly one X-Request-ID', async () => {
      const id = 'support-ticket-4711.a_b';
      const res = await viaProxy(stack(), apiPaths.kdf(uniqueRoomName('Kept')), { from: nextAddress(), headers: { 'X-Request-ID': id } });
      expectError(res, ErrorCode.RoomNotFound);
      expect(res.headers['x-request-id']).toBe(id);
      expect((res.body as { requestId: string }).requestId).toBe(id);
      await stack().app.waitForLog((record) => record.event === 'http.request' && record['reqId'] === id);
      expect(await proxyLines(id)).toHaveLength(1);
    });

    it.each([
      ['spaces and quotes', 'a b"c'],
      ['65 characters', 'x'.repeat(65)],
      ['a log-line forgery', 'abc\\n{"event":"room.created"}'],
    ])('replaces an incoming id with %s by its own', async (_case, sent) => {
      const res = await viaProxy(stack(), apiPaths.kdf(uniqueRoomName('Replaced')), { from: nextAddress(), headers: { 'X-Request-ID': sent } });
      const id = res.headers['x-request-id'] as string;
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect((res.body as { requestId: string }).requestId).toBe(id);
      await stack().app.waitForLog((record) => record.event === 'http.request' && record['reqId'] === id);
      expect(stack().app.output()).not.toContain(sent);
    });

    it("puts it in nginx's own error bodies: a body over 64 KiB is refused by nginx with the id", async () => {
      const res = await viaProxy(stack(), apiPaths.rooms(), { from: nextAddress(), rawBody: JSON.stringify({ room: 'x'.repeat(70_000) }) });
      expectError(res, ErrorCode.PayloadTooLarge);
      const id = res.headers['x-request-id'] as string;
      expect(await proxyLines(id)).toEqual([expect.objectContaining({ res: expect.objectContaining({ statusCode: 413 }) })]);
    });

    it("logs a Socket.IO handshake's id on its socket.connected line", async () => {
      const owner = await createVia(stack(), nextAddress(), { room: uniqueRoomName('Handshake id') });
      const id = 'handshake-0123456789';
      await memberVia(stack(), owner, { headers: { 'X-Request-ID': id } }).connect();
      const connected = await stack().app.waitForLog((record) => record.event === 'socket.connected' && record.room === owner.room);
      expect(connected['reqId']).toBe(id);
    });
  });

  describe('the Origin rule behind the proxy (docs/protocol.md §4)', () => {
    it('refuses a POST with a foreign Origin: 403 ORIGIN_REFUSED', async () => {
      const body = { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf() };
      for (const origin of ['https://evil.example', stack().proxy.httpOrigin, `https://localhost:${stack().proxy.httpsPort}`]) {
        expectError(await viaProxy(stack(), apiPaths.rooms(), { from: nextAddress(), json: body, headers: { Origin: origin } }), ErrorCode.OriginRefused);
      }
      expect((await viaProxy(stack(), apiPaths.rooms(), { from: nextAddress(), json: body })).status).toBe(201);
    });

    it('refuses a handshake with a foreign Origin: connect_error ORIGIN_REFUSED', async () => {
      const owner = await createVia(stack(), nextAddress());
      expect(await memberVia(stack(), owner, { origin: 'https://evil.example', reconnection: false }).refusal()).toBe(ErrorCode.OriginRefused);
      await memberVia(stack(), owner).connect();
    });
  });

  describe('the Origin rule without ALLOWED_ORIGINS: the origin nginx forwards (X-Forwarded-Proto and -Host)', () => {
    const bare = useStack({ ALLOWED_ORIGINS: '', DISCONNECT_GRACE_MS: '60000' });

    it('accepts the public origin and refuses others, for POSTs and handshakes alike', async () => {
      const body = () => ({ room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf() });
      expectError(await viaProxy(bare(), apiPaths.rooms(), { from: nextAddress(), json: body(), headers: { Origin: 'https://evil.example' } }), ErrorCode.OriginRefused);
      expectError(await viaProxy(bare(), apiPaths.rooms(), { from: nextAddress(), json: body(), headers: { Origin: bare().proxy.httpOrigin } }), ErrorCode.OriginRefused);
      const owner = await createVia(bare(), nextAddress());
      expect(await memberVia(bare(), owner, { origin: 'https://evil.example', reconnection: false }).refusal()).toBe(ErrorCode.OriginRefused);
      await memberVia(bare(), owner).connect();
    });
  });
});
