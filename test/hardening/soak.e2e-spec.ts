import { ClientEvent } from '@ciphernest/protocol';
import { chatFor, createRoom } from '../support/builders';
import { closeAllClients, delay } from '../support/chat-client';
import { ServerProcess } from '../support/server-process';
import { expectNoServerErrors, markLog, MiB, rssBytes } from './support/server-health';
import { runSoak, soakServerEnv } from './support/run-soak';

// Issue 6, soak: 200 members in 25 rooms of 8 chat for 60 s while members drop and come back
// within the grace, resuming (docs/protocol.md §5.1). Every acknowledged message must reach every
// member of its room exactly once, in seq order, those away when it was acknowledged included;
// afterwards, when everyone has left, nothing is left behind (no
// room in the directory, a room.deleted for each room, no timed-out session) and the server's
// memory is back near where it started. The engine and its assertions: support/run-soak.ts.

const ROOMS = 25;
const PER_ROOM = 8;
const CHAT_MS = 60_000;
const GRACE_MS = 3_000;
/** What the server may keep once everyone has left, over its RSS before the first room. */
const MEMORY_MARGIN = 60 * MiB;

describe('Soak: 200 members in 25 rooms for 60 s with drops and reconnects (issue 6)', () => {
  let server: ServerProcess | undefined;

  afterAll(async () => {
    closeAllClients();
    await server?.kill();
  });

  it('delivers every acknowledged message exactly once, in order, to every member of its room, away ones when they resume; leaves no ghost and no memory behind', async () => {
    server = await ServerProcess.start(soakServerEnv(GRACE_MS));
    const live = server;
    const mark = markLog(live);

    // Warm up once (code paths loaded, first allocations made), then take the baseline.
    const warm = await createRoom(live, { username: 'warm' });
    const warmClient = chatFor(live, warm);
    await warmClient.connect();
    await warmClient.emitWithAck(ClientEvent.Leave);
    await live.waitForLog((record) => record.event === 'room.deleted' && record['room'] === warm.room);
    await delay(500);
    const baseline = rssBytes(live);
    let peak = baseline;
    const sampler = setInterval(() => {
      if (!live.hasExited) peak = Math.max(peak, rssBytes(live));
    }, 500);

    const soak = await runSoak({ nodes: [live], rooms: ROOMS, perRoom: PER_ROOM, chatMs: CHAT_MS, graceMs: GRACE_MS }).finally(() => clearInterval(sampler));
    expect(soak.acked).toBeGreaterThan(ROOMS * PER_ROOM * 10);
    expect(soak.cycles).toBeGreaterThan(100);
    expect(soak.required).toBeGreaterThan(soak.acked * 5);
    expect(soak.resumed).toBeGreaterThan(100);

    // Memory back near the baseline once everything is gone.
    await delay(3_000);
    const after = rssBytes(live);
    const report = { baselineMiB: Math.round(baseline / MiB), peakMiB: Math.round(peak / MiB), afterMiB: Math.round(after / MiB), ...soak, roomNames: undefined };
    expect({ ...report, backNearBaseline: after <= baseline + MEMORY_MARGIN }).toEqual({ ...report, backNearBaseline: true });
    expectNoServerErrors(live, mark);
  }, 150_000);
});
