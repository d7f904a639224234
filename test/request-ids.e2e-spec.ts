import { apiPaths, ErrorCode } from '@ciphernest/protocol';
import { chatFor, createRoom, expectError, getKdf, http, nextAddress, REQUEST_ID_PATTERN, uniqueRoomName } from './support/builders';
import { ChatClient, closeAllClients } from './support/chat-client';
import { useServer } from './support/server-process';

// X-Request-ID on the built server, reached directly (the proxy's side is in
// test/deploy/tls-proxy.e2e-spec.ts): kept when valid, replaced otherwise, returned as a header
// and as `requestId` in every error body, and on the log lines of the request and of a handshake.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Request ids (X-Request-ID)', () => {
  const server = useServer({ LOG_LEVEL: 'debug', PUBLIC_ORIGIN: 'http://127.0.0.1' });
  afterEach(closeAllClients);

  it('answers every request with an X-Request-ID, a new UUID when none came, and a new one each time', async () => {
    const first = await http(server()).get('/livez');
    const second = await http(server()).get('/livez');
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('keeps a valid incoming id: in the header, in the error body and on the log line', async () => {
    const id = 'f81d4fae7dec11d0a76500a0c91e6bf6';
    const res = await getKdf(server(), uniqueRoomName('Missing'), { headers: { 'X-Request-ID': id } });
    expectError(res, ErrorCode.RoomNotFound);
    expect(res.headers['x-request-id']).toBe(id);
    expect(res.body.requestId).toBe(id);
    const line = await server().waitForLog((record) => record.event === 'http.request' && record['reqId'] === id);
    expect(line).toMatchObject({ reqId: id, req: { id }, res: { statusCode: 404 } });
  });

  it.each([
    ['too long', 'a'.repeat(65)],
    ['with a space', 'abc def'],
    ['with a quote', 'abc"def'],
    ['with a slash', 'abc/def'],
    ['empty', ''],
  ])('replaces an invalid incoming id (%s) by a new UUID, everywhere', async (_case, sent) => {
    const res = await getKdf(server(), uniqueRoomName('Missing'), { headers: { 'X-Request-ID': sent } });
    expectError(res, ErrorCode.RoomNotFound);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    expect(res.body.requestId).toBe(id);
    await server().waitForLog((record) => record.event === 'http.request' && record['reqId'] === id);
  });

  it('puts the id in every kind of error body: validation, unknown route, the Host check, a too-large body', async () => {
    const answers = [
      await http(server(), nextAddress()).post(apiPaths.rooms(), { room: '' }),
      await http(server()).get('/api/no-such-route'),
      await http(server()).get('/', { headers: { Host: 'evil.example' } }),
      await http(server(), nextAddress()).request({ path: apiPaths.rooms(), method: 'POST', rawBody: JSON.stringify({ room: 'x'.repeat(70_000) }) }),
    ];
    const codes = [ErrorCode.ValidationFailed, ErrorCode.NotFound, ErrorCode.OriginRefused, ErrorCode.PayloadTooLarge];
    answers.forEach((res, n) => expectError(res, codes[n]!));
    const ids = answers.map((res) => res.body.requestId as string);
    for (const id of ids) expect(id).toMatch(REQUEST_ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
    // The Host check's refusal is logged with the same id.
    const rejected = await server().waitForLog((record) => record.event === 'host.rejected' && record['reqId'] === ids[2]);
    expect(rejected['host']).toBe('evil.example');
  });

  it('logs the id on the lines written while the request is handled, not only on its http.request line', async () => {
    const id = 'create-room-0001';
    const owner = await createRoom(server(), { headers: { 'X-Request-ID': id } });
    const created = await server().waitForLog((record) => record.event === 'room.created' && record.room === owner.room);
    expect(created['reqId']).toBe(id);
  });

  it("logs a Socket.IO handshake's id on socket.connected, and a refused one's on socket.rejected", async () => {
    const owner = await createRoom(server());
    await chatFor(server(), owner, { headers: { 'X-Request-ID': 'socket-handshake-1' } }).connect();
    const connected = await server().waitForLog((record) => record.event === 'socket.connected' && record.room === owner.room);
    expect(connected['reqId']).toBe('socket-handshake-1');

    const refused = new ChatClient(server().url, { token: 'not-a-token', from: nextAddress(), headers: { 'X-Request-ID': 'socket-handshake-2' } });
    expect(await refused.connectRefusal()).toBe(ErrorCode.TokenInvalid);
    const rejected = await server().waitForLog((record) => record.event === 'socket.rejected' && record['reqId'] === 'socket-handshake-2');
    expect(rejected['reason']).toBe(ErrorCode.TokenInvalid);
  });
});
