import { eventually } from './support/eventually';
import { goOffline } from './support/go-offline';
import { seqSeen } from './support/kept-conversation';
import { meetInRoom } from './support/meet-in-room';
import { deliveryRecord, memberStatus, messageItemDescription, messageLog, sendText, sendTexts, shownInOrder, waitForMessage } from './support/pages';
import { TrafficRecorder } from './support/traffic-recorder';
import { type BrowserApp, useBrowserApp } from './support/use-browser-app';

// Issue 13, "Nothing lost": what a member misses while offline comes back when the connection
// does (docs/protocol.md §5.1), and what no longer can is said once (§5.1 `missed`, §5.2).

/** Far longer than being offline for a while, on a loaded machine. */
const GRACE_MS = 20_000;
/** How long the scenario keeps a member offline: a while, not a blip. */
const OFFLINE_MS = 5_000;
/** Short enough that held messages expire while their reader is offline (the server warns and accepts). */
const SHORT_REPLAY_MS = 1_000;

/** Lets the scenario go on once `ms` have passed since `since` (pacing, not an assertion). */
function untilElapsed(since: number, ms: number): Promise<void> {
  return new Promise((resume) => setTimeout(resume, Math.max(0, since + ms - Date.now())));
}

/** Ada and Bob in a room; Bob's first message has reached Ada and she has told him so. Ada's traffic is recorded. */
async function talking(app: BrowserApp, first: string) {
  const traffic = new TrafficRecorder();
  const {
    room,
    users: [ada, bob],
  } = await meetInRoom(app, [{ name: 'Ada', traffic }, { name: 'Bob' }], 'Resume');
  await sendText(bob.page, first);
  await waitForMessage(ada.page, first);
  await eventually(async () => expect(await messageItemDescription(bob.page, first)).toMatch(/\bDelivered\b/));
  return { room, ada, bob, traffic };
}

/** The `socket.connected` records of `user`'s sockets in `room`, oldest first. */
function connections(app: BrowserApp, room: string, user: string) {
  return app.server.logs().filter((record) => record.event === 'socket.connected' && record['room'] === room && record['user'] === user);
}

describe('Nothing lost while offline within the grace (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(GRACE_MS) });

  it('offline while the other writes several messages: back online, every one shows, in order, once, and he sees them delivered', async () => {
    const before = 'Bob, before the drop';
    const { room, ada, bob, traffic } = await talking(app(), before);

    const since = Date.now();
    await goOffline(ada, 'Ada', bob.page);
    // Everything Ada saw (Bob's message and the end-to-end layer's boxes of both) is where she resumes from.
    const seen = seqSeen(traffic.frames);
    const meanwhile = [1, 2, 3, 4].map((n) => `Bob, while Ada is away, ${n} of 4`);
    await sendTexts(bob.page, meanwhile);
    await untilElapsed(since, OFFLINE_MS);
    await ada.context.setOffline(false);
    await eventually(async () => expect(await memberStatus(bob.page, 'Ada')).toBe('online'), { timeout: 30_000 });
    const after = 'Bob, once Ada is back';
    await sendText(bob.page, after);

    const said = [before, ...meanwhile, after];
    await waitForMessage(ada.page, after, 30_000);
    expect(await shownInOrder(ada.page, said)).toEqual(said);
    // The server replayed exactly what she missed on her way back.
    const [first, back] = connections(app(), room, 'Ada');
    expect([first?.['resume'], first?.['replayed']]).toEqual([0, 0]);
    expect([back?.['arrival'], back?.['resume'], back?.['replayed']]).toEqual(['back', seen, meanwhile.length]);
    await eventually(
      async () => {
        for (const text of said) expect(await deliveryRecord(bob.page, text)).toBe('delivered');
      },
      { timeout: 30_000 },
    );
  }, 120_000);
});

describe('What could not be kept for a member offline too long (real Chromium)', () => {
  const app = useBrowserApp({ DISCONNECT_GRACE_MS: String(GRACE_MS), REPLAY_MS: String(SHORT_REPLAY_MS) });

  it('held messages that expired: one line says how many could not be recovered, and their sender never sees them delivered', async () => {
    const before = 'Bob, before the drop';
    const { room, ada, bob } = await talking(app(), before);

    await goOffline(ada, 'Ada', bob.page);
    const lost = [1, 2, 3].map((n) => `Bob, held too long, ${n} of 3`);
    await sendTexts(bob.page, lost);
    // Every one was stamped before now; well past REPLAY_MS from here, the server holds none of them.
    const stamped = Date.now();
    await untilElapsed(stamped, SHORT_REPLAY_MS * 3);
    await ada.context.setOffline(false);
    await eventually(async () => expect(await memberStatus(bob.page, 'Ada')).toBe('online'), { timeout: 30_000 });
    const after = 'Bob, once Ada is back';
    await sendText(bob.page, after);

    await waitForMessage(ada.page, after, 30_000);
    const line = '3 messages sent while you were away could not be recovered.';
    expect(await messageLog(ada.page).getByText(line, { exact: true }).count()).toBe(1);
    expect(await shownInOrder(ada.page, [before, ...lost, after])).toEqual([before, after]);
    const missed = await app().server.waitForLog((record) => record.event === 'room.messages_missed' && record['room'] === room);
    // The three lost messages, one after the other (no membership changed, so no layer box between them).
    expect([missed['user'], Number(missed['to']) - Number(missed['from']) + 1, missed['count']]).toEqual(['Ada', 3, 3]);

    // Her receipts reach past them, yet told Bob she missed them.
    await eventually(async () => expect(await messageItemDescription(bob.page, after)).toMatch(/\bDelivered\b/), { timeout: 30_000 });
    // Acknowledged by the server, never delivered: Sent by Bob's record (only his latest message says it in words).
    for (const text of lost) expect(await deliveryRecord(bob.page, text)).toBe('sent');
  }, 120_000);
});
