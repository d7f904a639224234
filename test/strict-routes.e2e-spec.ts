import { apiPaths, ErrorCode } from '@ciphernest/protocol';
import { createRoom, expectError, http, nextAddress, randomKdf, randomVerifier, uniqueRoomName } from './support/builders';
import { sendRequest } from './support/http-client';
import { useServer } from './support/server-process';

// Issue 11, finding 7: routes match exactly as written (case-sensitive, no trailing slash), so a
// proxy rule for `/metrics` cannot be walked around with `/METRICS` or `/metrics/`.

const METRICS_TOKEN = 'strict-routes-metrics-token-0123456789abcdef';

describe('Strict routes', () => {
  const server = useServer({ METRICS_TOKEN, DISCONNECT_GRACE_MS: '60000' });

  it('serves /metrics as written, with the token', async () => {
    const res = await http(server(), nextAddress()).get('/metrics', { token: METRICS_TOKEN, headers: { Accept: 'text/plain' } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE ciphernest_rooms ');
  });

  it.each(['/METRICS', '/Metrics', '/metrics/', '/metrics//', '/mEtRiCs'])('answers %s with 404 NOT_FOUND even with the token', async (path) => {
    const res = await http(server(), nextAddress()).get(path, { token: METRICS_TOKEN, headers: { Accept: 'text/plain' } });
    expectError(res, ErrorCode.NotFound);
    expect(res.text).not.toContain('ciphernest_');
  });

  it.each(['/HEALTHZ', '/Healthz', '/healthz/'])('answers GET %s with 404 NOT_FOUND', async (path) => {
    expectError(await http(server(), nextAddress()).get(path), ErrorCode.NotFound);
  });

  it('still answers /healthz', async () => {
    expect((await http(server(), nextAddress()).get(apiPaths.health())).body).toEqual({ status: 'ok' });
  });

  it.each(['/API/ROOMS', '/Api/Rooms', '/api/Rooms', '/api/rooms/'])('answers POST %s with 404 NOT_FOUND and creates nothing', async (path) => {
    const room = uniqueRoomName();
    const res = await http(server(), nextAddress()).post(path, { room, username: 'alice', verifier: randomVerifier(), kdf: randomKdf() });
    expectError(res, ErrorCode.NotFound);
    expectError(await http(server(), nextAddress()).get(apiPaths.kdf(room)), ErrorCode.RoomNotFound);
  });

  it.each([
    ['a capitalised KDF', (room: string) => `${apiPaths.kdf(room).slice(0, -3)}KDF`],
    ['a trailing slash', (room: string) => `${apiPaths.kdf(room)}/`],
    ['a capitalised API', (room: string) => apiPaths.kdf(room).replace('/api/', '/API/')],
  ])('answers a kdf look-up with %s with 404 NOT_FOUND', async (_label, pathOf) => {
    const owner = await createRoom(server());
    expectError(await http(server(), nextAddress()).get(pathOf(owner.room)), ErrorCode.NotFound);
    expect((await http(server(), nextAddress()).get(apiPaths.kdf(owner.room))).body).toEqual({ kdf: owner.kdf });
  });

  it.each(['/API/SESSION', '/api/session/'])('answers DELETE %s with 404 NOT_FOUND and keeps the session', async (path) => {
    const owner = await createRoom(server());
    expectError(await sendRequest(server().url, { method: 'DELETE', path, token: owner.token, from: owner.from }), ErrorCode.NotFound);
    expect((await sendRequest(server().url, { method: 'DELETE', path: apiPaths.session(), token: owner.token, from: owner.from })).status).toBe(204);
  });
});
