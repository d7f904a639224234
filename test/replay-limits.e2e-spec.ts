import { ServerEvent, type MissedEvent } from '@ciphernest/protocol';
import { setUpRoom } from './support/builders';
import { closeAllClients, delay } from './support/chat-client';
import { arrivalsOf, awaitSeq, goAway, resumeAs, sendMessage, type SentMessage } from './support/replay-client';
import { runUntilExit, useServer, type ServerEnv, type ServerProcess } from './support/server-process';

// docs/protocol.md §5.1 and §7: what is held for resuming is bounded by REPLAY_MS (after each
// message's ts), REPLAY_MAX_BYTES per room (its oldest dropped first) and REPLAY_MAX_TOTAL_BYTES
// per process (the process's oldest first, whatever its room). What a resuming socket should
// have had and is no longer held comes as one `missed { from, to }` before the replayed
// messages, and the server logs `room.messages_missed`.
//
// A held message counts its box plus at most 1 KiB, so the byte limits below are chosen for
// boxes of 8,000 bytes to hold the same number of messages whatever that overhead is (0-1,024):
// two fit in 20,000 bytes, three do not; three fit in 30,000, four do not.

const BOX_BYTES = 8_000;
const BYTE_LIMITS = { MAX_MESSAGE_BYTES: '10000', DISCONNECT_GRACE_MS: '30000', RATE_MESSAGES_PER_SEC: '0' };

function seqs(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
}

/** The `room.messages_missed` line of `user`'s resume in `room`. */
function missedLog(server: ServerProcess, room: string, user: string): Promise<Record<string, unknown>> {
  return server.waitForLog((record) => record.event === 'room.messages_missed' && record['room'] === room && record['user'] === user, 10_000);
}

async function sendAll(count: number, send: () => Promise<SentMessage>): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  for (let index = 0; index < count; index++) sent.push(await send());
  return sent;
}

describe('Replay limits (docs/protocol.md §5.1, §7)', () => {
  afterEach(closeAllClients);

  describe('a replay configuration out of bounds', () => {
    const bad: [string, ServerEnv, string[]][] = [
      ['a negative REPLAY_MS', { REPLAY_MS: '-1' }, ['REPLAY_MS']],
      ['a fractional REPLAY_MS', { REPLAY_MS: '1.5' }, ['REPLAY_MS']],
      ['REPLAY_MAX_BYTES below MAX_MESSAGE_BYTES', { MAX_MESSAGE_BYTES: '20000', REPLAY_MAX_BYTES: '19999' }, ['REPLAY_MAX_BYTES', 'MAX_MESSAGE_BYTES']],
      ['REPLAY_MAX_TOTAL_BYTES below REPLAY_MAX_BYTES', { MAX_MESSAGE_BYTES: '1000', REPLAY_MAX_BYTES: '20000', REPLAY_MAX_TOTAL_BYTES: '19999' }, ['REPLAY_MAX_TOTAL_BYTES', 'REPLAY_MAX_BYTES']],
    ];

    it.each(bad)('stops the server with a non-zero exit and a message naming the variables: %s', async (_label, env, names) => {
      const result = await runUntilExit(env);

      expect({ timedOut: result.timedOut, failed: result.code !== 0 && result.code !== null }).toEqual({ timedOut: false, failed: true });
      for (const name of names) expect(result.output).toContain(name);
      expect(result.output).not.toContain('"server.started"');
    });
  });

  describe('REPLAY_MS 1500 (with a grace of 20 s)', () => {
    const REPLAY_MS = 1_500;
    const server = useServer({ REPLAY_MS: String(REPLAY_MS), DISCONNECT_GRACE_MS: '20000' });

    it('warns at start that REPLAY_MS is shorter than the grace plus the ping interval and timeout', async () => {
      const warning = await server().waitForLog((record) => record.event === 'config.replay_short');
      expect(warning).toMatchObject({ replayMs: REPLAY_MS, disconnectGraceMs: 20_000 });
    });

    it('sends missed { from, to } for what expired, before the replayed messages that are still held, and logs room.messages_missed', async () => {
      const { room, sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      const [alice, bob] = clients;
      const seen = await sendMessage(alice, 'alice');
      await awaitSeq(bob, seen.seq);
      await goAway(bob, 'bob', alice);
      const expiring = await sendAll(2, () => sendMessage(alice, 'alice'));
      // The server compares its clock with each message's ts when a resume reads the hold; this
      // process shares that clock.
      while (Date.now() <= expiring[1].ts + REPLAY_MS) await delay(100);
      const held = await sendAll(2, () => sendMessage(alice, 'alice'));

      const back = await resumeAs(server(), sessions[1], seen.seq);
      await awaitSeq(back, held[1].seq);

      const missed = await back.next<MissedEvent>(ServerEvent.Missed);
      // Normally exactly the two that expired; a stall of this machine may let the others expire too.
      expect(missed.from).toBe(expiring[0].seq);
      expect(missed.to).toBeGreaterThanOrEqual(expiring[1].seq);
      expect(Object.keys(missed).sort()).toEqual(['from', 'to']);
      expect(arrivalsOf(back)).toEqual(['presence', `missed ${JSON.stringify(missed)}`, ...seqs(missed.to + 1, held[1].seq).map((seq) => `message ${seq}`)]);
      expect(await missedLog(server(), room, 'bob')).toMatchObject({ level: 'warn', from: missed.from, to: missed.to, count: missed.to - missed.from + 1 });
    });
  });

  describe('REPLAY_MS 0', () => {
    const server = useServer({ REPLAY_MS: '0', DISCONNECT_GRACE_MS: '30000' });

    it("holds nothing: a resume gets missed for every seq it should have had, from its first other's to its last other's", async () => {
      const { room, sessions, clients } = await setUpRoom(server(), ['alice', 'bob', 'carol']);
      const [alice, bob, carol] = clients;
      const sent = [await sendMessage(bob, 'bob'), await sendMessage(alice, 'alice'), await sendMessage(alice, 'alice'), await sendMessage(bob, 'bob')];
      await awaitSeq(carol, sent[3].seq);
      await goAway(bob, 'bob', carol);
      await goAway(alice, 'alice', carol);

      const bobBack = await resumeAs(server(), sessions[1], 0);
      const aliceBack = await resumeAs(server(), sessions[0], 0);
      const live = await sendMessage(carol, 'carol');
      await awaitSeq(bobBack, live.seq);
      await awaitSeq(aliceBack, live.seq);

      // bob's own messages (1 and 4) are not his to miss; alice's (2 and 3) lie inside her range.
      expect(arrivalsOf(bobBack)).toEqual(['presence', `missed ${JSON.stringify({ from: sent[1].seq, to: sent[2].seq })}`, `message ${live.seq}`]);
      expect(arrivalsOf(aliceBack)).toEqual(['presence', `missed ${JSON.stringify({ from: sent[0].seq, to: sent[3].seq })}`, `message ${live.seq}`]);
      expect(await missedLog(server(), room, 'bob')).toMatchObject({ from: sent[1].seq, to: sent[2].seq, count: 2 });
    });

    it('sends no missed when there was nothing to miss', async () => {
      const { sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      const seen = await sendMessage(clients[0], 'alice');
      await awaitSeq(clients[1], seen.seq);
      await goAway(clients[1], 'bob', clients[0]);

      const back = await resumeAs(server(), sessions[1], seen.seq);
      const live = await sendMessage(clients[0], 'alice');
      await awaitSeq(back, live.seq);

      expect(arrivalsOf(back)).toEqual(['presence', `message ${live.seq}`]);
    });
  });

  describe('REPLAY_MAX_BYTES 20000 (two boxes of 8,000 bytes)', () => {
    const server = useServer({ ...BYTE_LIMITS, REPLAY_MAX_BYTES: '20000' });

    it("drops the room's oldest first: a resume gets missed for the oldest and the two newest", async () => {
      const { room, sessions, clients } = await setUpRoom(server(), ['alice', 'bob']);
      await goAway(clients[1], 'bob', clients[0]);
      const sent = await sendAll(6, () => sendMessage(clients[0], 'alice', BOX_BYTES));

      const back = await resumeAs(server(), sessions[1], 0);
      await awaitSeq(back, sent[5].seq);

      expect(arrivalsOf(back)).toEqual(['presence', `missed ${JSON.stringify({ from: sent[0].seq, to: sent[3].seq })}`, `message ${sent[4].seq}`, `message ${sent[5].seq}`]);
      expect(await missedLog(server(), room, 'bob')).toMatchObject({ from: sent[0].seq, to: sent[3].seq, count: 4 });
    });

    it('holds each room within its own limit: a busy room takes nothing from a quiet one', async () => {
      const quiet = await setUpRoom(server(), ['carol', 'dave']);
      const busy = await setUpRoom(server(), ['erin', 'frank']);
      await goAway(quiet.clients[1], 'dave', quiet.clients[0]);
      const kept = await sendMessage(quiet.clients[0], 'carol', BOX_BYTES);
      await sendAll(5, () => sendMessage(busy.clients[0], 'erin', BOX_BYTES));

      const back = await resumeAs(server(), quiet.sessions[1], 0);
      await awaitSeq(back, kept.seq);

      expect(arrivalsOf(back)).toEqual(['presence', `message ${kept.seq}`]);
    });
  });

  describe('REPLAY_MAX_TOTAL_BYTES 30000 (three boxes of 8,000 bytes) with REPLAY_MAX_BYTES 20000', () => {
    const server = useServer({ ...BYTE_LIMITS, REPLAY_MAX_BYTES: '20000', REPLAY_MAX_TOTAL_BYTES: '30000' });

    it("drops the process's oldest first, whatever its room", async () => {
      const first = await setUpRoom(server(), ['alice', 'bob']);
      const second = await setUpRoom(server(), ['carol', 'dave']);
      await goAway(first.clients[1], 'bob', first.clients[0]);
      await goAway(second.clients[1], 'dave', second.clients[0]);
      const older = await sendAll(2, () => sendMessage(first.clients[0], 'alice', BOX_BYTES));
      const newer = await sendAll(2, () => sendMessage(second.clients[0], 'carol', BOX_BYTES));

      const bob = await resumeAs(server(), first.sessions[1], 0);
      const dave = await resumeAs(server(), second.sessions[1], 0);
      await awaitSeq(bob, older[1].seq);
      await awaitSeq(dave, newer[1].seq);

      expect(arrivalsOf(bob)).toEqual(['presence', `missed ${JSON.stringify({ from: older[0].seq, to: older[0].seq })}`, `message ${older[1].seq}`]);
      expect(arrivalsOf(dave)).toEqual(['presence', `message ${newer[0].seq}`, `message ${newer[1].seq}`]);
    });
  });
});
