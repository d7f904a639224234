import type { E2eEvent } from '@ciphernest/crypto';
import { eventually } from './support/eventually';
import { keptLayer, keptPoint, keptRecord, seqSeen } from './support/kept-conversation';
import { meetInRoom } from './support/meet-in-room';
import { leaveChat, logLines, mentions, sendText, waitForMessage } from './support/pages';
import { fromPassword } from './support/room-secrets';
import { relayedIn, vaultIn } from './support/socket-io-frames';
import { TrafficRecorder } from './support/traffic-recorder';
import { useBrowserApp } from './support/use-browser-app';

// E2E.md P2, secrecy after leaving (docs/protocol.md §3.1): a member who left keeps the password,
// everything its tab held (its sealed state and the vault that opens it) and a recording of all
// later traffic, and reads nothing sent after the others learnt of its leave. With layer v1 the
// password alone opened all of it.

/** Longer than a held body is kept (docs/protocol.md §3.1: 10 minutes): whatever the leaver held is let go. */
const LATER_MS = 11 * 60 * 1000;

describe('A member who left, with everything its tab held (E2E.md P2, real Chromium)', () => {
  const app = useBrowserApp();

  it('reads what was sent while it was there, and nothing sent after it left', async () => {
    const recordings = { Ada: new TrafficRecorder(), Bob: new TrafficRecorder(), Cyd: new TrafficRecorder() };
    const {
      room,
      password,
      users: [ada, bob, cyd],
    } = await meetInRoom(app(), (['Ada', 'Bob', 'Cyd'] as const).map((name) => ({ name, traffic: recordings[name] })), 'Leaver');
    await sendText(ada.page, 'while Cyd is here, 1');
    await waitForMessage(cyd.page, 'while Cyd is here, 1');
    // Cyd's tab has kept all it has seen: its layer as it stands now is what a thief of that tab gets.
    const seen = seqSeen(recordings.Cyd.frames);
    await eventually(async () => expect((await keptPoint(cyd.page))?.seen).toBe(seen));
    const snapshot = await keptRecord(cyd.page);
    const vault = vaultIn(recordings.Cyd.frames);
    if (snapshot === undefined) throw new Error("Cyd's tab kept nothing");

    await sendText(ada.page, 'while Cyd is here, 2');
    await waitForMessage(cyd.page, 'while Cyd is here, 2');
    await leaveChat(cyd.page);
    await eventually(async () => {
      for (const page of [ada.page, bob.page]) expect(mentions(await logLines(page), 'Cyd', /\bleft\b/)).toBe(true);
    });
    const after = ['Ada: after Cyd left', 'Bob: after Cyd left too'];
    await sendText(ada.page, 'after Cyd left');
    await waitForMessage(bob.page, 'after Cyd left');
    await sendText(bob.page, 'after Cyd left too');
    await waitForMessage(ada.page, 'after Cyd left too');

    // Cyd's stolen tab: the password, its kept state and vault, and every box relayed since.
    const leaver = await keptLayer(snapshot, vault, await fromPassword(app().server, room, password));
    const relayed = [...relayedIn(recordings.Ada.frames), ...relayedIn(recordings.Bob.frames)].sort((a, b) => a.seq - b.seq);
    const unique = [...new Map(relayed.map((message) => [message.id, message])).values()];
    const events: E2eEvent[] = [];
    for (const message of unique) events.push(...(await leaver.receive({ from: message.from, id: message.id, box: message.box as Uint8Array }, Date.now())));
    events.push(...(await leaver.expire(Date.now() + LATER_MS)));
    const read = events.flatMap((event) => (event.type === 'message' && event.message.kind === 'text' ? [`${event.from}: ${event.message.text}`] : []));

    // The needle is right: the stolen state reads what came while Cyd was there, after it was taken.
    expect(read).toContain('Ada: while Cyd is here, 2');
    for (const line of after) expect(read).not.toContain(line);
    // And what came after did reach it: held for keys it will never get, then let go.
    expect(events.filter((event) => event.type === 'rejected').length).toBeGreaterThanOrEqual(after.length);
  }, 120_000);
});
