import type { Socket as NetSocket } from 'node:net';
import { ClientEvent, ServerEvent, type LeaveAck, type MessageAck, type PresenceEvent, type RelayedMessage, type SessionEndEvent } from '@ciphernest/protocol';
import { chatFor, createRoom, getDirectory, joinRoom, newId, randomBox, uniqueRoomName, type Session } from '../support/builders';
import { type ChatClient, closeAllClients, delay } from '../support/chat-client';
import { ServerProcess } from '../support/server-process';
import { expectAlive, expectNoServerErrors, markLog, MiB, rssBytes } from './support/server-health';

// Issue 6, soak: 200 members in 25 rooms of 8 chat for 60 s while members drop and come back
// within the grace. Every acknowledged message must reach every member that was online for it
// exactly once, in seq order; afterwards, when everyone has left, nothing is left behind (no
// room in the directory, a room.deleted for each room, no timed-out session) and the server's
// memory is back near where it started.

const ROOMS = 25;
const PER_ROOM = 8;
const CHAT_MS = 60_000;
const GRACE_MS = 3_000;
/** Each member sends one message every 1 to 3 s. */
const SEND_EVERY_MS: [number, number] = [1_000, 3_000];
/** One member drops every this many ms, and comes back after 100 to 1,000 ms (well inside the grace). */
const CHURN_EVERY_MS = 250;
const BACK_AFTER_MS: [number, number] = [100, 1_000];
/**
 * A member is online for a message when the connection it has was connected (its presence had
 * arrived) before the sender emitted it and stayed connected until this long after the ack: by
 * then the relay, written before the ack, has long arrived. Members that drop sooner may miss it:
 * the server keeps no history, by design.
 */
const ONLINE_MARGIN_MS = 2_000;
/** What the server may keep once everyone has left, over its RSS before the first room. */
const MEMORY_MARGIN = 60 * MiB;

interface Connection {
  client: ChatClient;
  presenceAt: number | undefined;
  /** When the test began to close it, or when it closed by itself. */
  closedAt: number | undefined;
  received: (RelayedMessage & { box: Buffer })[];
}

interface Member {
  room: number;
  name: string;
  session: Session;
  connections: Connection[];
  cycling: boolean;
}

interface SentMessage {
  room: number;
  from: string;
  id: string;
  box: Buffer;
  sentAt: number;
  ack?: { seq: number; ts: number; at: number };
}

function randomIn([low, high]: [number, number]): number {
  return low + Math.random() * (high - low);
}

function tcpSocketOf(client: ChatClient): NetSocket | undefined {
  const transport = client.socket.io.engine?.transport as unknown as { ws?: { _socket?: NetSocket } } | undefined;
  return transport?.ws?._socket;
}

describe('Soak: 200 members in 25 rooms for 60 s with drops and reconnects (issue 6)', () => {
  let server: ServerProcess | undefined;

  afterAll(async () => {
    closeAllClients();
    await server?.kill();
  });

  it('delivers every acknowledged message exactly once, in order, to every member online for it; leaves no ghost and no memory behind', async () => {
    server = await ServerProcess.start({
      DISCONNECT_GRACE_MS: String(GRACE_MS),
      ROOM_DIRECTORY: 'true',
      RATE_CREATES_PER_MIN: '0',
      RATE_JOINS_PER_MIN: '0',
      RATE_LOOKUPS_PER_MIN: '0',
      RATE_CONNECTS_PER_MIN: '0',
      RATE_MESSAGES_PER_SEC: '0',
      LOG_LEVEL: 'info',
    });
    const live = server;
    const mark = markLog(live);
    const failures: string[] = [];
    const fail = (what: string): void => void failures.push(what);

    // Warm up once (code paths loaded, first allocations made), then take the baseline.
    const warm = await createRoom(live, { username: 'warm' });
    const warmClient = chatFor(live, warm);
    await warmClient.connect();
    await warmClient.emitWithAck(ClientEvent.Leave);
    await live.waitForLog((record) => record.event === 'room.deleted' && record['room'] === warm.room);
    await delay(500);
    const baseline = rssBytes(live);

    // 25 rooms of 8, every member from an address of its own.
    const roomNames = Array.from({ length: ROOMS }, () => uniqueRoomName('soak'));
    const names = Array.from({ length: PER_ROOM }, (_, index) => `member${index + 1}`);
    const members: Member[] = (
      await Promise.all(
        roomNames.map(async (room, roomIndex) => {
          const owner = await createRoom(live, { room, username: names[0] });
          const sessions = [owner];
          for (const name of names.slice(1)) sessions.push(await joinRoom(live, owner, { username: name }));
          return sessions.map((session) => ({ room: roomIndex, name: session.username, session, connections: [], cycling: false }));
        }),
      )
    ).flat();
    expect(members).toHaveLength(ROOMS * PER_ROOM);

    const current = (member: Member): Connection | undefined => {
      const last = member.connections.at(-1);
      return last && last.presenceAt !== undefined && last.closedAt === undefined ? last : undefined;
    };

    async function connect(member: Member): Promise<void> {
      const client = chatFor(live, member.session);
      const connection: Connection = { client, presenceAt: undefined, closedAt: undefined, received: [] };
      member.connections.push(connection);
      client.socket.on(ServerEvent.Message, (message: RelayedMessage) => {
        connection.received.push({ ...message, box: Buffer.from(message.box as Uint8Array) });
      });
      client.socket.on(ServerEvent.Presence, (presence: PresenceEvent) => {
        connection.presenceAt = Date.now();
        const listed = presence.members.map((entry) => entry.name).sort();
        if (JSON.stringify(listed) !== JSON.stringify([...names].sort())) fail(`${member.name}@${member.room} saw members ${listed.join(',')}`);
        if (!presence.members.some((entry) => entry.name === member.name && entry.status === 'online')) fail(`${member.name}@${member.room} is not online in its own presence`);
      });
      client.socket.on(ServerEvent.SessionEnd, (end: SessionEndEvent) => {
        if (end.reason !== 'left') fail(`${member.name}@${member.room} got session:end ${end.reason}`);
      });
      client.socket.on('disconnect', (reason: string) => {
        if (connection.closedAt === undefined) {
          connection.closedAt = Date.now();
          fail(`${member.name}@${member.room} was disconnected by the server (${reason})`);
        }
      });
      await client.connect(10_000);
      await client.next<PresenceEvent>(ServerEvent.Presence, () => true, 10_000);
    }

    for (let room = 0; room < ROOMS; room++) {
      await Promise.all(members.filter((member) => member.room === room).map((member) => connect(member)));
    }
    const directory = await getDirectory(live);
    expect(directory.body.rooms).toHaveLength(ROOMS);
    expect(directory.body.rooms.every((room: { members: number }) => room.members === PER_ROOM)).toBe(true);

    const sent: SentMessage[] = [];
    const startedAt = Date.now();
    const endAt = startedAt + CHAT_MS;
    let peak = rssBytes(live);
    const sampler = setInterval(() => {
      if (!live.hasExited) peak = Math.max(peak, rssBytes(live));
    }, 500);

    async function talk(member: Member): Promise<void> {
      await delay(Math.random() * SEND_EVERY_MS[1]);
      while (Date.now() < endAt) {
        const connection = current(member);
        if (connection) {
          const message: SentMessage = { room: member.room, from: member.name, id: newId(), box: randomBox(48 + Math.floor(Math.random() * 400)), sentAt: Date.now() };
          sent.push(message);
          try {
            const ack = await connection.client.emitWithAckWithin<MessageAck>(10_000, ClientEvent.Message, { id: message.id, box: message.box });
            if (ack.ok) message.ack = { seq: ack.seq, ts: ack.ts, at: Date.now() };
            else fail(`${member.name}@${member.room}: message refused with ${ack.error.code}`);
          } catch (error) {
            // An ack lost because this very connection was dropped by the test is expected.
            if (connection.closedAt === undefined) fail(`${member.name}@${member.room}: ${(error as Error).message}`);
          }
        }
        await delay(randomIn(SEND_EVERY_MS));
      }
    }

    let cycles = 0;
    async function cycle(member: Member): Promise<void> {
      const connection = current(member);
      if (!connection || member.cycling) return;
      member.cycling = true;
      cycles += 1;
      connection.closedAt = Date.now();
      const tcp = tcpSocketOf(connection.client);
      if (Math.random() < 0.5 || !tcp) connection.client.disconnect(); // a closed tab
      else tcp.destroy(); // a dropped connection
      await delay(randomIn(BACK_AFTER_MS));
      try {
        await connect(member);
      } catch (error) {
        fail(`${member.name}@${member.room} could not come back within the grace: ${(error as Error).message}`);
      }
      member.cycling = false;
    }

    const churn = (async () => {
      const cycling: Promise<void>[] = [];
      while (Date.now() < endAt - BACK_AFTER_MS[1] - 500) {
        cycling.push(cycle(members[Math.floor(Math.random() * members.length)]!));
        await delay(CHURN_EVERY_MS);
      }
      await Promise.all(cycling);
    })();
    await Promise.all([...members.map((member) => talk(member)), churn]);
    // Let the last relays arrive.
    await delay(ONLINE_MARGIN_MS + 1_000);
    clearInterval(sampler);

    expect(failures).toEqual([]);
    const acked = sent.filter((message) => message.ack);
    expect(acked.length).toBeGreaterThan(ROOMS * PER_ROOM * 10);
    expect(cycles).toBeGreaterThan(100);

    // Exactly once, in seq order, unchanged, to everyone online for it.
    const byId = new Map(sent.map((message) => [message.id, message]));
    const problems: string[] = [];
    for (const member of members) {
      const seen = new Set<number>();
      for (const connection of member.connections) {
        let last = 0;
        for (const message of connection.received) {
          const original = byId.get(message.id);
          if (!original || original.room !== member.room) problems.push(`${member.name}@${member.room} got an unknown message ${message.id}`);
          else if (original.from === member.name) problems.push(`${member.name}@${member.room} got its own message back`);
          else if (message.from !== original.from || !message.box.equals(original.box)) problems.push(`${member.name}@${member.room} got seq ${message.seq} altered`);
          else if (original.ack && (message.seq !== original.ack.seq || message.ts !== original.ack.ts)) problems.push(`${member.name}@${member.room} got seq ${message.seq}, acked as ${original.ack.seq}`);
          if (message.seq <= last) problems.push(`${member.name}@${member.room} got seq ${message.seq} after ${last}`);
          if (seen.has(message.seq)) problems.push(`${member.name}@${member.room} got seq ${message.seq} twice`);
          seen.add(message.seq);
          last = message.seq;
        }
      }
    }
    let required = 0;
    for (const message of acked) {
      for (const member of members) {
        if (member.room !== message.room || member.name === message.from) continue;
        const online = member.connections.find(
          (connection) => connection.presenceAt !== undefined && connection.presenceAt <= message.sentAt && (connection.closedAt ?? Infinity) >= message.ack!.at + ONLINE_MARGIN_MS,
        );
        if (!online) continue;
        required += 1;
        const copies = online.received.filter((received) => received.id === message.id).length;
        if (copies !== 1) problems.push(`${member.name}@${message.room} got seq ${message.ack!.seq} from ${message.from} ${copies} times while online`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(required).toBeGreaterThan(acked.length * 5);

    // Everyone leaves: no ghost anywhere.
    const peakRss = peak;
    await Promise.all(
      members.map(async (member) => {
        const connection = current(member)!;
        connection.closedAt = Date.now();
        expect(await connection.client.emitWithAckWithin<LeaveAck>(10_000, ClientEvent.Leave)).toEqual({ ok: true });
      }),
    );
    const deadline = Date.now() + 10_000;
    let rooms: unknown[] = [];
    do {
      rooms = (await getDirectory(live)).body.rooms;
      if (rooms.length > 0) await delay(100);
    } while (rooms.length > 0 && Date.now() < deadline);
    expect(rooms).toEqual([]);
    // The log may trail the HTTP answers a little: wait for each room's line.
    for (const room of roomNames) await live.waitForLog((record) => record.event === 'room.deleted' && record['room'] === room, 10_000);
    const logs = live.logs();
    const deleted = logs.filter((record) => record.event === 'room.deleted' && roomNames.includes(record['room'] as string));
    expect(deleted).toHaveLength(ROOMS);
    const ended = logs.filter((record) => record.event === 'session.ended' && roomNames.includes(record['room'] as string));
    expect(ended.filter((record) => record['reason'] !== 'left')).toEqual([]);
    expect(ended).toHaveLength(ROOMS * PER_ROOM);

    // Memory back near the baseline once everything is gone.
    await delay(3_000);
    const after = rssBytes(live);
    const report = { baselineMiB: Math.round(baseline / MiB), peakMiB: Math.round(peakRss / MiB), afterMiB: Math.round(after / MiB), acked: acked.length, required, cycles };
    expect({ ...report, backNearBaseline: after <= baseline + MEMORY_MARGIN }).toEqual({ ...report, backNearBaseline: true });
    expect(failures).toEqual([]);
    await expectAlive(live);
    expectNoServerErrors(live, mark);
  }, 150_000);
});
