import { closeAllClients } from '../support/chat-client';
import { runSoak, soakServerEnv } from '../hardening/support/run-soak';
import { roomGone, useCluster, useRedis } from './support/cluster';

// The soak of issue 6 across processes (STORE=redis): 60 members in 10 rooms of 6 chat for 20 s
// on two processes sharing one Redis, while members drop and come back within the grace, each
// time through either process at random. Every acknowledged message reaches every member online
// for it exactly once, in seq order, whichever process each of them uses; nobody sees a member
// `left` that only dropped; once everyone has left every room is gone on both processes (empty
// directory, kdf look-up 404) and both are healthy. The engine and its assertions:
// test/hardening/support/run-soak.ts. No memory check: that belongs to the in-memory soak.

const ROOMS = 10;
const PER_ROOM = 6;
const CHAT_MS = 20_000;
const GRACE_MS = 3_000;

const redis = useRedis();

describe('Soak across processes: 60 members in 10 rooms for 20 s, reconnecting to either process (STORE=redis)', () => {
  const nodes = useCluster(redis, 2, soakServerEnv(GRACE_MS));
  afterEach(closeAllClients);

  it('delivers every acknowledged message exactly once, in order, to every member online for it; no false departure, no room left behind', async () => {
    const soak = await runSoak({ nodes: nodes(), rooms: ROOMS, perRoom: PER_ROOM, chatMs: CHAT_MS, graceMs: GRACE_MS });
    expect(soak.acked).toBeGreaterThan(ROOMS * PER_ROOM * 4);
    expect(soak.cycles).toBeGreaterThan(30);
    expect(soak.moves).toBeGreaterThan(5);
    expect(soak.required).toBeGreaterThan(soak.acked * 3);
    for (const room of soak.roomNames) for (const node of nodes()) await roomGone(node, room, 5_000);
  }, 45_000);
});
