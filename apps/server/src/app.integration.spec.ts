import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { VAULT_PATTERN, type MemberEvent, type PresenceEvent, type SessionGrant } from '@ciphernest/protocol';
import { AppModule } from './app.module';
import { loadConfig, type AppConfig } from './config/app-config';
import { applicationOptions, configureApp, strictHttpAdapter } from './create-app';
import { Readiness } from './http/readiness';
import { ManualClock } from './testing/manual-clock';

const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');
const kdf = () => ({ alg: 'argon2id', m: 65536, t: 3, p: 1, salt: b64url(16) });

interface Running {
  app: NestExpressApplication;
  url: string;
  clock: ManualClock;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const config: AppConfig = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', LOG_FORMAT: 'json', ...env });
  const clock = new ManualClock();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, { clock })] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(strictHttpAdapter(), applicationOptions(config));
  await configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, clock };
}

function connect(url: string, token: string, extraHeaders: Record<string, string> = {}): Socket {
  return io(`${url}/chat`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true, extraHeaders });
}

function next<T>(socket: Socket, event: string, matches: (payload: T) => boolean = () => true, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    const listener = (payload: T) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

async function online(url: string, token: string): Promise<Socket> {
  const socket = connect(url, token);
  await next(socket, 'presence');
  return socket;
}

async function createAndJoin(url: string, room: string): Promise<{ alice: SessionGrant; bob: SessionGrant }> {
  const verifier = b64url(32);
  const created = await request(url).post('/api/rooms').send({ room, username: 'Alice', verifier, kdf: kdf() }).expect(201);
  const joined = await request(url).post(`/api/rooms/${encodeURIComponent(room)}/sessions`).send({ username: 'Bob', verifier }).expect(201);
  return { alice: created.body as SessionGrant, bob: joined.body as SessionGrant };
}

describe('CipherNest server (Nest testing module, real HTTP and Socket.IO)', () => {
  const sockets: Socket[] = [];
  const apps: NestExpressApplication[] = [];
  const track = <T extends Socket>(socket: T) => (sockets.push(socket), socket);

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('relays a message from one member to the other with the acked seq and ts', async () => {
    const { app, url } = await start();
    apps.push(app);
    const { alice, bob } = await createAndJoin(url, 'Relay room');
    const a = track(await online(url, alice.token));
    const b = track(await online(url, bob.token));
    const box = randomBytes(64);
    const relayed = next<{ id: string; from: string; seq: number; ts: number; box: Buffer }>(b, 'message');
    const ack = await a.emitWithAck('message', { id: b64url(16), box });
    const received = await relayed;
    expect(ack).toEqual({ ok: true, seq: 1, ts: received.ts });
    expect(received.from).toBe('Alice');
    expect(Buffer.compare(received.box, box)).toBe(0);
  });

  it("hands each session its own vault, in its 201 and in its presence, and no one else's", async () => {
    const { app, url } = await start();
    apps.push(app);
    const { alice, bob } = await createAndJoin(url, 'Vault room');
    expect(Object.keys(alice).sort()).toEqual(['members', 'room', 'token', 'vault']);
    expect(Object.keys(bob).sort()).toEqual(['members', 'room', 'token', 'vault']);
    expect(alice.vault).toMatch(VAULT_PATTERN);
    expect(bob.vault).toMatch(VAULT_PATTERN);
    expect(bob.vault).not.toBe(alice.vault);

    for (const grant of [alice, bob]) {
      const socket = track(connect(url, grant.token));
      const presence = await next<PresenceEvent>(socket, 'presence');
      expect(Object.keys(presence).sort()).toEqual(['members', 'room', 'vault']);
      expect(presence.vault).toBe(grant.vault);
    }
  });

  it('ends an away session after the grace and deletes the room with the last one', async () => {
    const { app, url, clock } = await start({ DISCONNECT_GRACE_MS: '10000' });
    apps.push(app);
    const { alice, bob } = await createAndJoin(url, 'Grace room');
    const a = track(await online(url, alice.token));
    const b = track(await online(url, bob.token));
    const away = next<MemberEvent>(a, 'member', (event) => event.type === 'away');
    b.disconnect();
    expect(await away).toMatchObject({ type: 'away', name: 'Bob' });
    const left = next<MemberEvent>(a, 'member', (event) => event.type === 'left');
    clock.advance(10_000);
    expect(await left).toEqual({ type: 'left', name: 'Bob', reason: 'timeout', at: clock.now() });

    a.disconnect();
    // The server learns of the disconnect asynchronously; keep moving time until it has.
    await waitFor(async () => {
      clock.advance(10_000);
      return (await request(url).get('/api/rooms/Grace%20room/kdf')).status === 404;
    });
    await request(url).post('/api/rooms').send({ room: 'grace ROOM', username: 'Carol', verifier: b64url(32), kdf: kdf() }).expect(201);
  });

  it('refuses a token from another server instance, as after a restart', async () => {
    const first = await start();
    const second = await start();
    apps.push(first.app, second.app);
    const { alice } = await createAndJoin(first.url, 'Restart room');
    const refused = await request(second.url).delete('/api/session').set('Authorization', `Bearer ${alice.token}`).expect(401);
    expect(refused.body).toEqual({
      statusCode: 401,
      code: 'TOKEN_INVALID',
      message: 'The session token is not valid.',
      requestId: refused.headers['x-request-id'],
    });
    const socket = track(connect(second.url, alice.token));
    const error = await next<Error & { data?: { code: string } }>(socket, 'connect_error');
    expect(error.data).toEqual({ code: 'TOKEN_INVALID' });
  });

  it('refuses a handshake from a foreign Origin before looking at the token', async () => {
    const { app, url } = await start();
    apps.push(app);
    const socket = track(connect(url, 'not-even-a-token', { Origin: 'https://evil.example' }));
    const error = await next<Error & { data?: { code: string } }>(socket, 'connect_error');
    expect(error.data).toEqual({ code: 'ORIGIN_REFUSED' });
  });

  it('refuses connections to any namespace but /chat', async () => {
    const { app, url } = await start();
    apps.push(app);
    const socket = track(io(`${url}/`, { transports: ['websocket'], reconnection: false, forceNew: true }));
    const error = await next<Error & { data?: { code: string } }>(socket, 'connect_error');
    expect(error.data).toEqual({ code: 'NOT_FOUND' });
  });

  it('is not ready until it is marked serving (main.ts does so once it listens), and lives all along', async () => {
    const { app, url } = await start();
    apps.push(app);
    await request(url).get('/readyz').expect(503, { status: 'unready', reason: 'starting' });
    await request(url).get('/livez').expect(200, { status: 'ok' });
    app.get(Readiness).serving();
    await request(url).get('/readyz').expect(200, { status: 'ok' });
    app.get(Readiness).stopping();
    await request(url).get('/readyz').expect(503, { status: 'unready', reason: 'stopping' });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
