import {
  ClientEvent,
  ErrorCode,
  ServerEvent,
  type MemberEvent,
  type MessageAck,
  type PresenceEvent,
  type RelayedMessage,
} from '@ciphernest/protocol';
import { NODE_TTL_MS } from '../../apps/server/src/store/redis/redis-store';
import { byName, chatFor, createRoom, deleteSession, expectError, getKdf, member, newId, randomBox, type Session } from '../support/builders';
import { closeAllClients, type ChatClient } from '../support/chat-client';
import { expectedMember, memberEvent } from '../support/events';
import type { ServerProcess } from '../support/server-process';
import { Cluster, connectVia, roomGone, setUpSpreadRoom, SLOW_MS, useCluster, useRedis, type SpreadRoom } from './support/cluster';

// STORE=redis: what the others see when a process dies (SIGKILL), is stopped for a rolling
// restart (SIGTERM), or when every process stops and the deployment starts cold.

const GRACE_MS = 2_500;
/** How long past a deadline an event may take on a loaded machine (sweeps run every 250 ms at most). */
const SLACK_MS = 4_000;
const VOIDED = [ErrorCode.TokenInvalid, ErrorCode.SessionNotFound];

const redis = useRedis();

describe('Process failures (STORE=redis)', () => {
  describe('a cold restart: every process stops, new ones start on the same Redis', () => {
    let before: Cluster;
    let after: Cluster;
    let old: SpreadRoom;

    beforeAll(async () => {
      before = new Cluster(redis(), { DISCONNECT_GRACE_MS: '60000' });
      const [first, second] = await before.start(2);
      old = await setUpSpreadRoom([['alice', first!], ['bob', second!]]);
      await before.stopAll();
      after = new Cluster(redis(), { DISCONNECT_GRACE_MS: '60000' });
      await after.start(2);
    }, 2 * SLOW_MS);

    afterAll(async () => {
      closeAllClients();
      await before?.stopAll();
      await after?.stopAll();
    }, SLOW_MS);

    it('refuses every old token on every new process, on connect and on DELETE: TOKEN_INVALID or SESSION_NOT_FOUND', async () => {
      for (const node of after.nodes) {
        for (const session of old.sessions) {
          expect(VOIDED).toContain(await chatFor(node, session).connectRefusal());
          const res = await deleteSession(node, session.token, { from: session.from });
          expect(VOIDED).toContain(res.body?.code);
          expectError(res, res.body.code);
        }
      }
    });

    it('has forgotten every room: kdf look-up 404 ROOM_NOT_FOUND on every new process', async () => {
      for (const node of after.nodes) expectError(await getKdf(node, old.room), ErrorCode.RoomNotFound);
    });
  });

  describe('kill -9 of a process holding sockets', () => {
    const nodes = useCluster(redis, 2, { DISCONNECT_GRACE_MS: String(GRACE_MS) });
    const survivor = (): ServerProcess => nodes()[0]!;
    let room: SpreadRoom;
    let alice: ChatClient;
    let lonely: Session;
    let killedAt: number;
    let bobAgain: { client: ChatClient; presence: PresenceEvent };
    let daveAway: MemberEvent;

    beforeAll(async () => {
      const [, victim] = nodes();
      // Alice stays on the survivor; bob, carol and dave are on the victim; so is a room's only member.
      room = await setUpSpreadRoom([['alice', survivor()], ['bob', victim!], ['carol', victim!], ['dave', victim!]]);
      alice = room.clients[0]!;
      lonely = await createRoom(victim!, { username: 'eve' });
      await connectVia(victim!, lonely);
      killedAt = Date.now();
      await victim!.kill();
      // Bob's client reconnects at once, as Socket.IO clients do, to the process left.
      bobAgain = await connectVia(survivor(), room.sessions[1]!);
    }, SLOW_MS);

    afterAll(closeAllClients);

    it('tells the others away for each member whose process died, once its heartbeat expired', async () => {
      const carolAway = await alice.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'carol'), NODE_TTL_MS + SLACK_MS);
      daveAway = await alice.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'dave'), 1_000);
      expect(carolAway).toEqual(expectedMember('away', 'carol'));
      expect(daveAway).toEqual(expectedMember('away', 'dave'));
      expect(daveAway.at - killedAt).toBeLessThanOrEqual(NODE_TTL_MS + SLACK_MS);
    }, SLOW_MS);

    it('brings back a member who reconnects to a surviving process within the grace: member back', async () => {
      const { presence } = await connectVia(survivor(), room.sessions[2]!);
      expect(presence.members).toContainEqual(member('carol', 'online'));
      expect(await alice.next<MemberEvent>(ServerEvent.Member, memberEvent('back', 'carol'))).toEqual(expectedMember('back', 'carol'));
    });

    it('ends the session of a member who does not reconnect after DISCONNECT_GRACE_MS: member left, reason timeout', async () => {
      const left = await alice.next<MemberEvent>(ServerEvent.Member, memberEvent('left', 'dave'), GRACE_MS + SLACK_MS);
      expect(left).toEqual(expectedMember('left', 'dave', 'timeout'));
      expect(left.at - daveAway.at).toBeGreaterThanOrEqual(GRACE_MS - 50);
    }, SLOW_MS);

    it('shows the others no departure of the members who reconnected, and they chat on', async () => {
      expect(byName(bobAgain.presence.members).find((entry) => entry.name === 'bob')).toEqual(member('bob', 'online'));
      const since = alice.timeline().filter((entry) => entry.at >= killedAt && entry.event === ServerEvent.Member);
      const about = (name: string) => since.map((entry) => entry.args[0] as MemberEvent).filter((event) => event.name === name);
      // Bob came back before his process was declared dead: the others saw nothing at all.
      expect(about('bob')).toEqual([]);
      expect(about('carol').map((event) => event.type)).toEqual(['away', 'back']);
      const id = newId();
      expect((await alice.emitWithAck<MessageAck>(ClientEvent.Message, { id, box: randomBox() })).ok).toBe(true);
      expect((await bobAgain.client.next<RelayedMessage>(ServerEvent.Message)).id).toBe(id);
    });

    it('ends a room whose only member was on the dead process, and frees its name', async () => {
      await roomGone(survivor(), lonely.room, SLACK_MS);
      expect((await createRoom(survivor(), { room: lonely.room, username: 'frank' })).room).toBe(lonely.room);
    }, SLOW_MS);
  });

  describe('a rolling restart: SIGTERM to one process', () => {
    const nodes = useCluster(redis, 2, { DISCONNECT_GRACE_MS: String(GRACE_MS) });
    let room: SpreadRoom;

    beforeAll(async () => {
      room = await setUpSpreadRoom([['alice', nodes()[0]!], ['bob', nodes()[1]!]]);
    }, SLOW_MS);

    afterAll(closeAllClients);

    it('closes its sockets without session:end, turns their sessions away for the others, and exits 0', async () => {
      const [alice, bob] = room.clients as [ChatClient, ChatClient];
      const stopped = nodes()[1]!.stop('SIGTERM', 10_000);
      await bob.disconnected(5_000);
      expect(bob.eventNames()).not.toContain(ServerEvent.SessionEnd);
      expect(await alice.next<MemberEvent>(ServerEvent.Member, () => true, SLACK_MS)).toEqual(expectedMember('away', 'bob'));
      expect(await stopped).toEqual({ code: 0, signal: null, killed: false });
    }, SLOW_MS);

    it('brings the session back when it reconnects with its token to another process, and it outlives the grace', async () => {
      const alice = room.clients[0]!;
      const { presence } = await connectVia(nodes()[0]!, room.sessions[1]!);
      expect(byName(presence.members)).toEqual([member('alice', 'online', true), member('bob', 'online')]);
      expect(await alice.next<MemberEvent>(ServerEvent.Member)).toEqual(expectedMember('back', 'bob'));
      await alice.none(ServerEvent.Member, GRACE_MS + 500);
    }, SLOW_MS);
  });
});
