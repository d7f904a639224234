import { ErrorCode, ServerEvent } from '@ciphernest/protocol';
import { createRoom, deleteSession, expectError, joinRoom, postRoom, postSession, PROXY_ADDRESS, randomKdf, randomVerifier, uniqueRoomName } from '../support/builders';
import { closeAllClients } from '../support/chat-client';
import { memberEvent } from '../support/events';
import type { ServerProcess } from '../support/server-process';
import { Cluster, connectVia, roomGone, SLOW_MS, useCluster, useRedis } from './support/cluster';

// STORE=redis: MAX_ROOMS_PER_ADDRESS and MAX_SESSIONS_PER_ADDRESS hold for the deployment, not per
// process, and a room or session stops counting however it ends: leave, timeout (also after its
// process was killed) or a cold start. Clients are IPv6 addresses forwarded by the trusted proxy
// (127.0.0.9), counted by their /64.

const TRUST = { TRUST_PROXY: `${PROXY_ADDRESS}/32` };
const GRACE_MS = 1_500;
/** Grace, sweeps, and a killed process's heartbeat lapse (5 s), with room for a loaded machine. */
const ENDS_WITHIN_MS = 20_000;

let networks = 0;
function freshNetwork(): (k: number) => string {
  networks += 1;
  return (k) => `2001:db8:${networks.toString(16)}:7::${k.toString(16)}`;
}

const via = (address: string) => ({ from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': address } });

function createBody() {
  return { room: uniqueRoomName(), username: 'alice', verifier: randomVerifier(), kdf: randomKdf() };
}

const redis = useRedis();

describe('Per-address caps shared by the processes (STORE=redis)', () => {
  afterEach(closeAllClients);

  describe('while rooms and sessions live', () => {
    const nodes = useCluster(redis, 2, { ...TRUST, MAX_ROOMS_PER_ADDRESS: '2', MAX_SESSIONS_PER_ADDRESS: '3', DISCONNECT_GRACE_MS: '60000' });
    const node = (n: number): ServerProcess => nodes()[n]!;

    it('counts the rooms a /64 created on either process: 429 on both at MAX_ROOMS_PER_ADDRESS, until one ends', async () => {
      const host = freshNetwork();
      const first = await createRoom(node(0), via(host(1)));
      await createRoom(node(1), via(host(2)));

      expectError(await postRoom(node(0), createBody(), via(host(3))), ErrorCode.RateLimited);
      expectError(await postRoom(node(1), createBody(), via(host(3))), ErrorCode.RateLimited);
      expect((await deleteSession(node(1), first.token, via(host(1)))).status).toBe(204);
      expect((await postRoom(node(1), createBody(), via(host(4)))).status).toBe(201);
    });

    it('counts the sessions of a /64 on either process: 429 on both at MAX_SESSIONS_PER_ADDRESS, until one ends', async () => {
      const owner = await createRoom(node(0));
      const host = freshNetwork();
      const first = await joinRoom(node(0), owner, { username: 'one', ...via(host(1)) });
      await joinRoom(node(1), owner, { username: 'two', ...via(host(2)) });
      await joinRoom(node(0), owner, { username: 'three', ...via(host(3)) });

      expectError(await postSession(node(1), owner.room, { username: 'four', verifier: owner.verifier }, via(host(4))), ErrorCode.RateLimited);
      expect((await deleteSession(node(0), first.token, via(host(1)))).status).toBe(204);
      await joinRoom(node(1), owner, { username: 'five', ...via(host(5)) });
    });
  });

  describe('when sessions time out', () => {
    const nodes = useCluster(redis, 2, { ...TRUST, MAX_ROOMS_PER_ADDRESS: '1', MAX_SESSIONS_PER_ADDRESS: '1', DISCONNECT_GRACE_MS: String(GRACE_MS) });
    const node = (n: number): ServerProcess => nodes()[n]!;

    it('frees the room and session of a creator that never connected once they timed out', async () => {
      const host = freshNetwork();
      const first = await createRoom(node(0), via(host(1)));
      expectError(await postRoom(node(1), createBody(), via(host(2))), ErrorCode.RateLimited);

      await roomGone(node(1), first.room, ENDS_WITHIN_MS);
      expect((await postRoom(node(1), createBody(), via(host(2)))).status).toBe(201);
    }, SLOW_MS);

    it('frees the session of a member whose process was killed once it timed out', async () => {
      const owner = await createRoom(node(0));
      const { client: ownerClient } = await connectVia(node(0), owner);
      const host = freshNetwork();
      const member = await joinRoom(node(1), owner, { username: 'bob', ...via(host(1)) });
      await connectVia(node(1), member);
      await ownerClient.next(ServerEvent.Member, memberEvent('joined', 'bob'));
      expectError(await postSession(node(0), owner.room, { username: 'carol', verifier: owner.verifier }, via(host(2))), ErrorCode.RateLimited);

      await node(1).kill();
      await ownerClient.next(ServerEvent.Member, memberEvent('left', 'bob'), ENDS_WITHIN_MS);
      await joinRoom(node(0), owner, { username: 'carol', ...via(host(2)) });
    }, SLOW_MS);
  });

  describe('after a cold start', () => {
    let before: Cluster | undefined;
    let after: Cluster | undefined;

    afterAll(async () => {
      await before?.stopAll();
      await after?.stopAll();
    }, SLOW_MS);

    it('counts nothing from before: the /64 that held its rooms and sessions creates again', async () => {
      const env = { ...TRUST, MAX_ROOMS_PER_ADDRESS: '1', MAX_SESSIONS_PER_ADDRESS: '1', DISCONNECT_GRACE_MS: '60000' };
      const host = freshNetwork();
      before = new Cluster(redis(), env);
      const [old] = await before.start(1);
      await createRoom(old!, via(host(1)));
      expectError(await postRoom(old!, createBody(), via(host(2))), ErrorCode.RateLimited);
      await before.stopAll();

      after = new Cluster(redis(), env);
      const [fresh] = await after.start(1);
      expect((await postRoom(fresh!, createBody(), via(host(2)))).status).toBe(201);
    }, 2 * SLOW_MS);
  });
});
