import { apiPaths, ErrorCode } from '@ciphernest/protocol';
import { expectError, randomKdf, randomVerifier, uniqueRoomName } from './support/builders';
import type { HttpResponse } from './support/http-client';
import { NetworkNamespace, type AgentRequest } from './support/network-namespace';
import { ServerProcess } from './support/server-process';

// Finding 2 of issue 11 with real IPv6 sockets: the built server runs in a network namespace made
// by this test, whose loopback carries addresses of several /64 networks, and every request comes
// from one of them (no proxy, no header). Each per-address limit counts a /64 as one client
// (IPV6_PREFIX_LENGTH, default 64); tokens stay bound to the full address.

const LIMITS = {
  RATE_FAILED_JOINS_PER_MIN: 5,
  RATE_CREATES_PER_MIN: 4,
  RATE_CONNECTS_PER_MIN: 3,
  MAX_ROOMS_PER_ADDRESS: 2,
  MAX_SESSIONS_PER_ADDRESS: 3,
};

/** The k-th address (1-based) of test network n: each test uses /64s of its own. */
const at = (network: number, k: number): string => `2001:db8:1:${network}::${k.toString(16)}`;
const NETWORKS = 10;
const PER_NETWORK = 9;
/** Owners of the rooms that tests join come from IPv4 loopback addresses, counted apart from every /64. */
let owners = 1;
const nextOwner = (): string => `127.0.0.${++owners}`;

describe('Per-address limits count an IPv6 /64 as one client (real IPv6 sockets in a network namespace)', () => {
  let namespace: NetworkNamespace;
  let server: ServerProcess;

  beforeAll(async () => {
    const addresses = Array.from({ length: NETWORKS }, (_, n) => Array.from({ length: PER_NETWORK }, (_, k) => `${at(n + 1, k + 1)}/64`)).flat();
    namespace = await NetworkNamespace.create(addresses);
    const env = Object.fromEntries(Object.entries(LIMITS).map(([name, value]) => [name, String(value)]));
    server = await ServerProcess.start({ ...env, HOST: '::', DISCONNECT_GRACE_MS: '60000' }, 20_000, namespace.launcher);
  });

  afterAll(async () => {
    await server?.kill();
    await namespace?.close();
  });

  /** The server as seen from `from`: over IPv6 for an IPv6 source, IPv4 otherwise. */
  const urlFor = (from: string): string => (from.includes(':') ? `http://[::1]:${server.port}` : `http://127.0.0.1:${server.port}`);

  async function send(request: AgentRequest): Promise<HttpResponse> {
    const res = await namespace.http(urlFor(request.from), request);
    return { ...res, text: JSON.stringify(res.body ?? '') };
  }

  const create = (from: string, body: Record<string, unknown> = {}) =>
    send({ path: apiPaths.rooms(), from, json: { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf(), ...body } });

  async function ownRoom(): Promise<{ room: string; verifier: string }> {
    const room = uniqueRoomName();
    const verifier = randomVerifier();
    expect((await create(nextOwner(), { room, verifier })).status).toBe(201);
    return { room, verifier };
  }

  const join = (room: string, verifier: string, from: string, username = 'bob') => send({ path: apiPaths.sessions(room), from, json: { username, verifier } });

  it('refuses the 6th wrong password from six addresses of one /64 against one room, then even the right one', async () => {
    const { room, verifier } = await ownRoom();
    for (let k = 1; k <= LIMITS.RATE_FAILED_JOINS_PER_MIN; k++) expectError(await join(room, randomVerifier(), at(1, k), `guess${k}`), ErrorCode.BadCredentials);

    expectError(await join(room, randomVerifier(), at(1, 6), 'guess6'), ErrorCode.RateLimited);
    expectError(await join(room, verifier, at(1, 7)), ErrorCode.RateLimited);
    const refused = () => server.logs().filter((record) => record.event === 'session.rejected' && String(record['ip']).startsWith('2001:db8:1:1:'));
    await server.waitForLog(() => refused().length >= LIMITS.RATE_FAILED_JOINS_PER_MIN);
    expect(refused().map((record) => record['reason'])).toEqual(Array(LIMITS.RATE_FAILED_JOINS_PER_MIN).fill('BAD_CREDENTIALS'));
  });

  it('leaves another /64 unaffected by the failed joins of the first', async () => {
    const { room, verifier } = await ownRoom();
    for (let k = 1; k <= LIMITS.RATE_FAILED_JOINS_PER_MIN + 1; k++) await join(room, randomVerifier(), at(2, k), `guess${k}`);

    expectError(await join(room, randomVerifier(), at(3, 1), 'other'), ErrorCode.BadCredentials);
    expect((await join(room, verifier, at(3, 2))).status).toBe(201);
  });

  it('caps the rooms one /64 holds at MAX_ROOMS_PER_ADDRESS; another /64 still creates', async () => {
    for (let k = 1; k <= LIMITS.MAX_ROOMS_PER_ADDRESS; k++) expect((await create(at(4, k))).status).toBe(201);

    const refused = await create(at(4, LIMITS.MAX_ROOMS_PER_ADDRESS + 1));
    expectError(refused, ErrorCode.RateLimited);
    expect(refused.body.message).toMatch(/rooms/);
    expect((await create(at(5, 1))).status).toBe(201);
  });

  it('counts room creations per /64 toward RATE_CREATES_PER_MIN', async () => {
    for (let k = 1; k <= LIMITS.RATE_CREATES_PER_MIN; k++) expectError(await create(at(6, k), { verifier: 'short' }), ErrorCode.ValidationFailed);

    const refused = await create(at(6, LIMITS.RATE_CREATES_PER_MIN + 1));
    expectError(refused, ErrorCode.RateLimited);
    expect(refused.body.message).not.toMatch(/rooms/);
  });

  it('caps the live sessions one /64 holds at MAX_SESSIONS_PER_ADDRESS, until one ends', async () => {
    const lobby = await ownRoom();
    const kitchen = await ownRoom();
    const first = await join(lobby.room, lobby.verifier, at(7, 1), 'one');
    expect(first.status).toBe(201);
    expect((await join(kitchen.room, kitchen.verifier, at(7, 2), 'two')).status).toBe(201);
    expect((await join(lobby.room, lobby.verifier, at(7, 3), 'three')).status).toBe(201);

    const refused = await join(kitchen.room, kitchen.verifier, at(7, 4), 'four');
    expectError(refused, ErrorCode.RateLimited);
    expect(refused.body.message).toMatch(/sessions/);
    expect((await join(kitchen.room, kitchen.verifier, at(9, 1), 'elsewhere')).status).toBe(201);

    const left = await send({ method: 'DELETE', path: apiPaths.session(), from: at(7, 1), headers: { Authorization: `Bearer ${first.body.token}` } });
    expect(left.status).toBe(204);
    expect((await join(kitchen.room, kitchen.verifier, at(7, 5), 'five')).status).toBe(201);
  });

  it('counts Socket.IO connections per /64 and binds tokens to the full address', async () => {
    const owner = await create(at(8, 9));
    const token = owner.body.token as string;
    expect(await namespace.connect(urlFor(at(8, 1)), token, at(8, 1))).toBe(ErrorCode.IpMismatch);
    for (let k = 2; k <= LIMITS.RATE_CONNECTS_PER_MIN; k++) expect(await namespace.connect(urlFor(at(8, k)), 'garbage', at(8, k))).toBe(ErrorCode.TokenInvalid);

    expect(await namespace.connect(urlFor(at(8, 9)), token, at(8, 9))).toBe(ErrorCode.RateLimited);
    const other = await create(at(10, 1));
    expect(await namespace.connect(urlFor(at(10, 1)), other.body.token as string, at(10, 1))).toBe('connected');
  });
});
