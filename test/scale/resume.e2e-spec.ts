import { ServerEvent, type MissedEvent, type RelayedMessage } from '@ciphernest/protocol';
import { delay, closeAllClients, type ChatClient } from '../support/chat-client';
import { joinRoom } from '../support/builders';
import type { ServerProcess } from '../support/server-process';
import { setUpSpreadRoom, SLOW_MS, useCluster, useRedis } from './support/cluster';
import { connectResuming, nextMessages, sendOk } from './support/messages';

// STORE=redis: resume (docs/protocol.md §5.1) across processes. Held messages live in Redis, so a
// member comes back on any process and gets what it missed; a process whose Pub/Sub subscription
// dropped fills the gap from Redis before its members see anything out of order.

/** The seqs of messages, in the order received. */
const seqs = (messages: RelayedMessage[]): number[] => messages.map((message) => message.seq);
/** The integers from `from` to `to`. */
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, n) => from + n);
/** How long a member waits for anything more before the test says nothing more came (twice, exactly once). */
const QUIET_MS = 500;

const redis = useRedis();

describe('Resume across processes (STORE=redis)', () => {
  afterEach(closeAllClients);

  describe('after kill -9 of the process a member was on', () => {
    const nodes = useCluster(redis, 2, { DISCONNECT_GRACE_MS: '30000' });

    it('gets, on another process, every message sent meanwhile, once, in order, then the live stream', async () => {
      const [survivor, victim] = nodes() as [ServerProcess, ServerProcess];
      const { clients, sessions } = await setUpSpreadRoom([['alice', survivor], ['bob', victim]]);
      const [alice, bob] = clients as [ChatClient, ChatClient];
      for (let n = 0; n < 3; n++) await sendOk(alice);
      const seen = seqs(await nextMessages(bob, 3));

      await victim.kill();
      const meanwhile = [];
      for (let n = 0; n < 5; n++) meanwhile.push(await sendOk(alice));
      // More while Bob reconnects: they reach him live or in his replay, never both.
      const during = Promise.all(Array.from({ length: 4 }, () => sendOk(alice)));
      const { client: bobAgain } = await connectResuming(survivor, sessions[1]!, Math.max(...seen));
      await during;
      for (let n = 0; n < 3; n++) await sendOk(alice);

      const received = await nextMessages(bobAgain, 12);
      expect(seen).toEqual([1, 2, 3]);
      expect(seqs(received)).toEqual(range(4, 15));
      expect(received.slice(0, 5).map((message) => message.id)).toEqual(meanwhile.map((sent) => sent.id));
      await bobAgain.none(ServerEvent.Message, QUIET_MS);
      expect(bobAgain.eventNames()).not.toContain(ServerEvent.Missed);
    }, SLOW_MS);
  });

  describe('a process whose Pub/Sub subscription is dropped mid-chat', () => {
    const nodes = useCluster(redis, 2, { RATE_MESSAGES_PER_SEC: '0' });

    it('still delivers every message to its members, in order, exactly once', async () => {
      const [first, second] = nodes() as [ServerProcess, ServerProcess];
      const { clients } = await setUpSpreadRoom([['alice', first], ['bob', second], ['carol', second], ['dave', first]]);
      const [alice, bob, carol, dave] = clients as [ChatClient, ChatClient, ChatClient, ChatClient];
      for (let n = 0; n < 2; n++) await sendOk(alice);
      const killer = redis().client();

      // Redis closes every subscriber: what is published before each process has subscribed again reaches none of them.
      await killer.client('KILL', 'TYPE', 'pubsub');
      await Promise.all(Array.from({ length: 20 }, () => sendOk(alice)));
      killer.disconnect();
      await sendOk(alice);

      for (const member of [bob, carol, dave]) {
        expect(seqs(await nextMessages(member, 23))).toEqual(range(1, 23));
      }
      for (const member of [bob, carol, dave]) await member.none(ServerEvent.Message, QUIET_MS);
    }, SLOW_MS);
  });

  describe('resume from 0, and resuming again', () => {
    const nodes = useCluster(redis, 2);

    it('first connection with resume 0: what was relayed between the join and the connection, nothing from before', async () => {
      const [first, second] = nodes() as [ServerProcess, ServerProcess];
      const { clients, sessions } = await setUpSpreadRoom([['alice', first]]);
      const alice = clients[0]!;
      await sendOk(alice);
      await sendOk(alice);
      const bobSession = await joinRoom(second, sessions[0]!, { username: 'bob' });
      const afterJoin = [await sendOk(alice), await sendOk(alice)];

      const { client: bob } = await connectResuming(second, bobSession, 0);

      expect((await nextMessages(bob, 2)).map((message) => message.id)).toEqual(afterJoin.map((sent) => sent.id));
      await sendOk(alice);
      expect(seqs(await nextMessages(bob, 1))).toEqual([5]);
      await bob.none(ServerEvent.Message, QUIET_MS);
      expect(bob.eventNames()).not.toContain(ServerEvent.Missed);
    }, SLOW_MS);

    it('resumes twice, on either process, each time getting what is above its resume but never its own messages', async () => {
      const [first, second] = nodes() as [ServerProcess, ServerProcess];
      const { clients, sessions } = await setUpSpreadRoom([['alice', first], ['bob', second]]);
      const [alice, bob] = clients as [ChatClient, ChatClient];
      await sendOk(alice);
      await nextMessages(bob, 1);
      await sendOk(bob);
      await nextMessages(alice, 1);
      bob.disconnect();
      await sendOk(alice);

      const { client: once } = await connectResuming(first, sessions[1]!, 1);
      expect(seqs(await nextMessages(once, 1))).toEqual([3]);
      expect((await sendOk(once)).seq).toBe(4);
      await nextMessages(alice, 1);
      once.disconnect();
      await sendOk(alice);
      await sendOk(alice);

      const { client: twice } = await connectResuming(second, sessions[1]!, 1);
      expect(seqs(await nextMessages(twice, 3))).toEqual([3, 5, 6]);
      await twice.none(ServerEvent.Message, QUIET_MS);
      expect([...once.eventNames(), ...twice.eventNames()]).not.toContain(ServerEvent.Missed);
    }, SLOW_MS);
  });

  describe('messages no longer held (REPLAY_MS)', () => {
    const HOLD_MS = 1_000;
    const nodes = useCluster(redis, 2, { REPLAY_MS: String(HOLD_MS) });

    it('sends `missed` for them before the held ones, on another process', async () => {
      const [first, second] = nodes() as [ServerProcess, ServerProcess];
      const { clients, sessions } = await setUpSpreadRoom([['alice', first], ['bob', second]]);
      const [alice, bob] = clients as [ChatClient, ChatClient];
      await sendOk(alice);
      await nextMessages(bob, 1);
      bob.disconnect();
      await sendOk(alice);
      await sendOk(alice);
      await delay(HOLD_MS + 500);
      await sendOk(alice);

      const { client: bobAgain } = await connectResuming(first, sessions[1]!, 1);

      expect(await bobAgain.next<MissedEvent>(ServerEvent.Missed)).toEqual({ from: 2, to: 3 });
      expect(seqs(await nextMessages(bobAgain, 1))).toEqual([4]);
      const order = bobAgain.eventNames().filter((name) => name === ServerEvent.Missed || name === ServerEvent.Message);
      expect(order).toEqual([ServerEvent.Missed, ServerEvent.Message]);
    }, SLOW_MS);
  });
});

