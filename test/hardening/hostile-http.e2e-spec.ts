import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { apiPaths, ClientEvent, ErrorCode, MAX_JSON_BODY_BYTES, ServerEvent, type MessageAck, type RelayedMessage } from '@ciphernest/protocol';
import {
  connectAs,
  createRoom,
  expectError,
  getDirectory,
  getKdf,
  http,
  joinRoom,
  newId,
  nextAddress,
  randomBox,
  randomKdf,
  randomVerifier,
  REQUEST_ID_PATTERN,
  uniqueRoomName,
} from '../support/builders';
import { closeAllClients } from '../support/chat-client';
import { sendRequest, type HttpResponse } from '../support/http-client';
import { useWatchedServer } from './support/bystanders';

// Issue 6, hostile input over raw HTTP: JSON bodies reaching for the prototype, names with bidi
// controls, zero-width characters and emoji, bodies of thousands of fields, compression bombs,
// broken encodings and request lines. Each gets docs/protocol.md §4's error body (or, below the
// application, Node's own 4xx and a closed connection); the process never crashes or logs an
// error, and a bystander room chats throughout without losing or doubling a message.

/** Characters docs/protocol.md §1 rejects that are invisible or reorder text. */
const HOSTILE_CHARACTERS: [string, string][] = [
  ['a right-to-left override (U+202E)', '\u202E'],
  ['a left-to-right override (U+202D)', '\u202D'],
  ['a right-to-left isolate (U+2067)', '\u2067'],
  ['a pop directional isolate (U+2069)', '\u2069'],
  ['a right-to-left mark (U+200F)', '\u200F'],
  ['an Arabic letter mark (U+061C)', '\u061C'],
  ['a zero-width space (U+200B)', '\u200B'],
  ['a zero-width non-joiner (U+200C)', '\u200C'],
  ['a zero-width joiner (U+200D)', '\u200D'],
  ['a word joiner (U+2060)', '\u2060'],
  ['a byte-order mark inside (U+FEFF)', '\uFEFF'],
  ['an emoji', '\u{1F600}'],
  ['an emoji with a skin tone', '\u{1F44D}\u{1F3FD}'],
  ['a ZWJ family emoji', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'],
  ['a flag (regional indicators)', '\u{1F1EB}\u{1F1F7}'],
  ['a tag character (U+E0041)', '\u{E0041}'],
  ['a lone surrogate', '\uD800'],
  ['a NUL', '\u0000'],
];

/** `count` distinct short keys: the most fields that fit in a body. */
function manyFields(count: number): Record<string, number> {
  const alphabet = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
  const keys: string[] = [];
  let shorter = [''];
  while (keys.length < count) {
    const longer: string[] = [];
    for (const prefix of shorter) {
      for (const character of alphabet) {
        if (keys.length >= count) break;
        longer.push(prefix + character);
        keys.push(prefix + character);
      }
    }
    shorter = longer;
  }
  return Object.fromEntries(keys.map((key) => [key, 0]));
}

/** Percent-encodes a path segment; a lone surrogate (which encodeURIComponent refuses) as its WTF-8 bytes. */
function pathSegment(text: string): string {
  return [...text]
    .map((character) => {
      const code = character.codePointAt(0)!;
      if (code >= 0xd800 && code <= 0xdfff) return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      return encodeURIComponent(character);
    })
    .join('');
}

function rawRequest(port: number, text: string | Buffer): Promise<{ response: string; closed: boolean }> {
  return new Promise((resolveRaw) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: nextAddress() });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolveRaw({ response: Buffer.concat(chunks).toString('latin1'), closed: false });
    }, 5_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolveRaw({ response: Buffer.concat(chunks).toString('latin1'), closed: true });
    });
    socket.write(text);
  });
}

describe('Hostile input over raw HTTP (issue 6)', () => {
  const { server, bystanders } = useWatchedServer({ DISCONNECT_GRACE_MS: '5000', ROOM_DIRECTORY: 'true' });

  afterAll(() => {
    closeAllClients();
  });

  const validCreate = (): Record<string, unknown> => ({ room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf() });

  function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return sendRequest(server().url, { method: 'POST', path, rawBody: body, headers, from: nextAddress() });
  }

  describe('JSON bodies reaching for the prototype', () => {
    const inject = (body: Record<string, unknown>, key: string, value: string): string => JSON.stringify(body).replace(/^\{/, `{${JSON.stringify(key).replace('__', '\\u005f_')}:${value},`);

    it.each<[string, () => string]>([
      ['__proto__ at the top of a create', () => JSON.stringify(validCreate()).replace(/^\{/, '{"__proto__":{"isAdmin":true},')],
      ['__proto__ written with a unicode escape', () => inject(validCreate(), '__proto__', '{"x":1}')],
      ['constructor.prototype at the top', () => JSON.stringify(validCreate()).replace(/^\{/, '{"constructor":{"prototype":{"x":1}},')],
      ['prototype as a field', () => JSON.stringify(validCreate()).replace(/^\{/, '{"prototype":1,')],
      ['__proto__ inside kdf', () => JSON.stringify(validCreate()).replace('"kdf":{', '"kdf":{"__proto__":{"m":1},')],
      ['constructor inside kdf', () => JSON.stringify(validCreate()).replace('"kdf":{', '"kdf":{"constructor":{"prototype":{"m":1}},')],
      ['a missing kdf supplied through __proto__', () => JSON.stringify({ ...validCreate(), kdf: undefined }).replace(/^\{/, `{"__proto__":{"kdf":${JSON.stringify(randomKdf())}},`)],
      ['__proto__ inside an array', () => `[{"__proto__":{"x":1}}]`],
    ])('refuses %s on POST /api/rooms with VALIDATION_FAILED', async (_label, body) => {
      expectError(await post(apiPaths.rooms(), body()), ErrorCode.ValidationFailed);
    });

    it('refuses __proto__ and constructor in a join body with VALIDATION_FAILED', async () => {
      const owner = await createRoom(server());
      for (const key of ['__proto__', 'constructor']) {
        const body = `{${JSON.stringify(key)}:{"verifier":${JSON.stringify(owner.verifier)}},"username":"mallory","verifier":${JSON.stringify(owner.verifier)}}`;
        expectError(await post(apiPaths.sessions(owner.room), body), ErrorCode.ValidationFailed);
      }
    });

    it('refuses fields named hasOwnProperty, toString and valueOf on create, in kdf and on join, and creates nothing', async () => {
      const methods = '"hasOwnProperty":1,"toString":"x","valueOf":{"a":1},';
      const top = validCreate();
      expectError(await post(apiPaths.rooms(), JSON.stringify(top).replace(/^\{/, `{${methods}`)), ErrorCode.ValidationFailed);
      expectError(await getKdf(server(), top['room'] as string), ErrorCode.RoomNotFound);
      const nested = validCreate();
      expectError(await post(apiPaths.rooms(), JSON.stringify(nested).replace('"kdf":{', `"kdf":{${methods}`)), ErrorCode.ValidationFailed);
      expectError(await getKdf(server(), nested['room'] as string), ErrorCode.RoomNotFound);
      const owner = await createRoom(server());
      const join = `{${methods}"username":"mallory","verifier":${JSON.stringify(owner.verifier)}}`;
      expectError(await post(apiPaths.sessions(owner.room), join), ErrorCode.ValidationFailed);
    });

    it('still refuses a create without kdf or verifier after the attempts above: nothing reached Object.prototype', async () => {
      const { kdf: _kdf, ...withoutKdf } = validCreate();
      expectError(await post(apiPaths.rooms(), JSON.stringify(withoutKdf)), ErrorCode.ValidationFailed);
      const { verifier: _verifier, ...withoutVerifier } = validCreate();
      expectError(await post(apiPaths.rooms(), JSON.stringify(withoutVerifier)), ErrorCode.ValidationFailed);
      expect((await post(apiPaths.rooms(), JSON.stringify(validCreate()))).status).toBe(201);
    });

    it('treats rooms and members named __proto__, constructor, toString and hasOwnProperty like any other', async () => {
      const owner = await createRoom(server(), { room: '__proto__', username: 'constructor' });
      const guest = await joinRoom(server(), owner, { username: 'toString' });
      const third = await joinRoom(server(), owner, { username: 'hasOwnProperty' });
      expect((await getKdf(server(), 'constructor')).status).toBe(404);
      expect((await getKdf(server(), '__proto__')).body).toEqual({ kdf: owner.kdf });
      expect((await getDirectory(server())).body.rooms).toEqual(expect.arrayContaining([{ name: '__proto__', members: 3 }]));
      const { client: ownerClient } = await connectAs(server(), owner);
      const { client: guestClient } = await connectAs(server(), guest);
      const box = randomBox(48);
      const ack = await ownerClient.emitWithAck<MessageAck>(ClientEvent.Message, { id: newId(), box });
      expect(ack).toEqual({ ok: true, seq: 1, ts: expect.any(Number) });
      const relayed = await guestClient.next<RelayedMessage>(ServerEvent.Message);
      expect({ from: relayed.from, seq: relayed.seq, same: Buffer.from(relayed.box as Uint8Array).equals(box) }).toEqual({ from: 'constructor', seq: 1, same: true });
      expect(await ownerClient.emitWithAck(ClientEvent.Leave)).toEqual({ ok: true });
      expect(await guestClient.emitWithAck(ClientEvent.Leave)).toEqual({ ok: true });
      expect((await http(server()).delete(apiPaths.session(), { token: third.token, from: third.from })).status).toBe(204);
      await server().waitForLog((record) => record.event === 'room.deleted' && record['room'] === '__proto__');
      expectError(await getKdf(server(), '__proto__'), ErrorCode.RoomNotFound);
    });
  });

  describe('names with bidi controls, zero-width characters and emoji', () => {
    it.each(HOSTILE_CHARACTERS)('refuses a room name with %s on create, in the kdf path and in the join path', async (_label, character) => {
      const room = `team${character}room`;
      expectError(await post(apiPaths.rooms(), JSON.stringify({ ...validCreate(), room })), ErrorCode.ValidationFailed);
      const inPath = pathSegment(room);
      expectError(await http(server()).get(`/api/rooms/${inPath}/kdf`, { from: nextAddress() }), ErrorCode.ValidationFailed);
      expectError(await post(`/api/rooms/${inPath}/sessions`, JSON.stringify({ username: 'bob', verifier: randomVerifier() })), ErrorCode.ValidationFailed);
    });

    it.each(HOSTILE_CHARACTERS)('refuses a username with %s on create and on join', async (_label, character) => {
      const username = `bo${character}b`;
      expectError(await post(apiPaths.rooms(), JSON.stringify({ ...validCreate(), username })), ErrorCode.ValidationFailed);
      const owner = await createRoom(server());
      expectError(await post(apiPaths.sessions(owner.room), JSON.stringify({ username, verifier: owner.verifier })), ErrorCode.ValidationFailed);
    });

    it('keeps a look-alike name made of a refused character out: "alice" plus U+200B cannot join beside "alice"', async () => {
      const owner = await createRoom(server(), { username: 'alice' });
      expectError(await post(apiPaths.sessions(owner.room), JSON.stringify({ username: 'alice\u200B', verifier: owner.verifier })), ErrorCode.ValidationFailed);
      expectError(await post(apiPaths.sessions(owner.room), JSON.stringify({ username: '\u202Eecila', verifier: owner.verifier })), ErrorCode.ValidationFailed);
    });
  });

  describe('large and deep bodies', () => {
    it('refuses a create with 10,000 extra fields (over 64 KiB) with 413 PAYLOAD_TOO_LARGE', async () => {
      const body = JSON.stringify({ ...validCreate(), ...manyFields(10_000) });
      expect(body.length).toBeGreaterThan(MAX_JSON_BODY_BYTES);
      expectError(await post(apiPaths.rooms(), body), ErrorCode.PayloadTooLarge);
    });

    it('refuses a create with 8,000 extra fields (under 64 KiB) with VALIDATION_FAILED', async () => {
      const body = JSON.stringify({ ...validCreate(), ...manyFields(8_000) });
      expect(body.length).toBeLessThanOrEqual(MAX_JSON_BODY_BYTES);
      expectError(await post(apiPaths.rooms(), body), ErrorCode.ValidationFailed);
    });

    it('refuses a kdf with 8,000 extra fields with VALIDATION_FAILED', async () => {
      const body = JSON.stringify({ ...validCreate(), kdf: { ...randomKdf(), ...manyFields(8_000) } });
      expect(body.length).toBeLessThanOrEqual(MAX_JSON_BODY_BYTES);
      expectError(await post(apiPaths.rooms(), body), ErrorCode.ValidationFailed);
    });

    it('refuses a join with 8,000 extra fields with VALIDATION_FAILED', async () => {
      const owner = await createRoom(server());
      const body = JSON.stringify({ username: 'bob', verifier: owner.verifier, ...manyFields(8_000) });
      expectError(await post(apiPaths.sessions(owner.room), body), ErrorCode.ValidationFailed);
    });

    it.each<[string, () => string]>([
      ['an array of 10,000 numbers', () => JSON.stringify(new Array(10_000).fill(0))],
      ['arrays nested 30,000 deep', () => `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
      ['objects nested 10,000 deep', () => `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
      ['a JSON string instead of an object', () => '"room"'],
      ['null', () => 'null'],
      ['m written as 1e400 (Infinity)', () => JSON.stringify(validCreate()).replace(/"m":\d+/, '"m":1e400')],
      ['m written as a huge integer', () => JSON.stringify(validCreate()).replace(/"m":\d+/, `"m":${'9'.repeat(400)}`)],
      ['a room name of 60,000 characters', () => JSON.stringify({ ...validCreate(), room: 'a'.repeat(60_000) })],
      ['a U+FFFD replacement character as the room name', () => JSON.stringify({ ...validCreate(), room: '\uFFFD' })],
    ])('refuses %s on POST /api/rooms with VALIDATION_FAILED', async (_label, body) => {
      expectError(await post(apiPaths.rooms(), body()), ErrorCode.ValidationFailed);
    });

    it('refuses raw invalid UTF-8 bytes in a name with VALIDATION_FAILED', async () => {
      const body = Buffer.concat([Buffer.from('{"room":"a'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from(`","username":"alice","verifier":"${randomVerifier()}","kdf":${JSON.stringify(randomKdf())}}`)]);
      expectError(await post(apiPaths.rooms(), body), ErrorCode.ValidationFailed);
    });

    it('refuses a gzip bomb (10 MiB inflated from a few KiB) with 413 PAYLOAD_TOO_LARGE', async () => {
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(64 * 1024);
      expectError(await post(apiPaths.rooms(), bomb, { 'Content-Encoding': 'gzip' }), ErrorCode.PayloadTooLarge);
    });

    it.each<[string, Record<string, string>, string | Buffer]>([
      ['an unknown Content-Encoding', { 'Content-Encoding': 'compress' }, '{}'],
      ['a gzip header over plain bytes', { 'Content-Encoding': 'gzip' }, '{"room":"x"}'],
      ['an unsupported charset', { 'Content-Type': 'application/json; charset=utf-7' }, '{}'],
      ['a JSON body sent as text/plain', { 'Content-Type': 'text/plain' }, JSON.stringify({ room: 'x' })],
      ['a form body', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'room=x&__proto__[admin]=1'],
    ])('refuses %s with VALIDATION_FAILED', async (_label, headers, body) => {
      expectError(await post(apiPaths.rooms(), body, headers), ErrorCode.ValidationFailed);
    });
  });

  describe('paths, methods and tokens', () => {
    it.each([
      ['a malformed percent-encoding', '/api/rooms/%E0%A4%A/kdf'],
      ['a lone percent sign', '/api/rooms/%/kdf'],
      ['an overlong UTF-8 slash', '/api/rooms/%C0%AF/kdf'],
      ['an encoded NUL', '/api/rooms/%00/kdf'],
      ['an encoded slash', '/api/rooms/a%2Fb/kdf'],
      ['an encoded right-to-left override', '/api/rooms/%E2%80%AEmoor/kdf'],
      ['a name of 5,000 characters', `/api/rooms/${'a'.repeat(5_000)}/kdf`],
    ])('answers a room path with %s with 400 VALIDATION_FAILED', async (_label, path) => {
      expectError(await http(server()).get(path, { from: nextAddress() }), ErrorCode.ValidationFailed);
    });

    it('ignores a query string reaching for __proto__', async () => {
      expectError(await http(server()).get('/api/rooms/nobody/kdf?__proto__[polluted]=1&constructor[prototype][x]=1', { from: nextAddress() }), ErrorCode.RoomNotFound);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it.each(['PUT', 'PATCH'] as const)('answers %s /api/rooms with 404 NOT_FOUND', async (method) => {
      expectError(await sendRequest(server().url, { method, path: apiPaths.rooms(), json: validCreate(), from: nextAddress() }), ErrorCode.NotFound);
    });

    it.each(['PROPFIND', 'TRACE', 'OPTIONS'])('answers %s /api/rooms with 404 NOT_FOUND', async (method) => {
      const { response } = await rawRequest(server().port, `${method} /api/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(response).toMatch(/^HTTP\/1\.1 404 /);
      expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toEqual({ statusCode: 404, code: ErrorCode.NotFound, message: expect.any(String), requestId: expect.stringMatching(REQUEST_ID_PATTERN) });
    });

    it.each<[string, string]>([
      ['a forged token whose claims hold __proto__', `v1.${Buffer.from('{"__proto__":{"s":"x","r":"y","u":"z","a":"127.0.0.1"}}').toString('base64url')}.${'A'.repeat(43)}`],
      ['a token of other segments', 'v1.__proto__.constructor'],
      ['a token of 8,000 characters', `v1.${'A'.repeat(8_000)}.B`],
      ['a token with an encoded NUL', 'v1.a%00b.c'],
    ])('refuses DELETE /api/session with %s: 401 TOKEN_INVALID', async (_label, token) => {
      const res = await sendRequest(server().url, { method: 'DELETE', path: apiPaths.session(), headers: { Authorization: `Bearer ${token}` }, from: nextAddress() });
      expectError(res, ErrorCode.TokenInvalid);
    });
  });

  describe('broken HTTP below the application', () => {
    it.each<[string, string]>([
      ['a garbage request line', 'GARBAGE\r\n\r\n'],
      ['an unknown HTTP version', 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'],
      ['Content-Length and Transfer-Encoding together (request smuggling)', 'POST /api/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['a 20,000-byte header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: ${'a'.repeat(20_000)}\r\n\r\n`],
      ['a header with a bare CR', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n'],
    ])('answers %s with a 4xx and closes the connection', async (_label, text) => {
      const { response, closed } = await rawRequest(server().port, text);
      expect(response).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(response.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(closed).toBe(true);
    });
  });

  describe('bodies announced larger than the limit', () => {
    it('answers a Content-Length of 10^12 bytes with 413 PAYLOAD_TOO_LARGE without first reading the announced terabyte', async () => {
      const { response } = await rawRequest(
        server().port,
        'POST /api/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{"room":',
      );
      expect(response).toMatch(/^HTTP\/1\.1 413 /);
      expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toEqual({ statusCode: 413, code: ErrorCode.PayloadTooLarge, message: expect.any(String), requestId: expect.stringMatching(REQUEST_ID_PATTERN) });
    });
  });

  describe('afterwards', () => {
    it('kept the bystander room whole throughout: every message reached every other member exactly once, in order', async () => {
      const { messages } = await bystanders().stopAndVerify();
      expect(messages).toBeGreaterThan(50);
    });
  });
});
