import {
  ClientEvent,
  ServerEvent,
  type LeaveAck,
  type MemberEvent,
  type MessageAck,
  type MissedEvent,
  type PresenceEvent,
  type RelayedMessage,
  type SessionEndEvent,
} from '@ciphernest/protocol';
import { chatFor, createRoom, getDirectory, joinRoom, newId, randomBox, uniqueRoomName, type Session } from '../../support/builders';
import { type ChatClient, delay } from '../../support/chat-client';
import type { LogRecord, ServerEnv, ServerProcess } from '../../support/server-process';
import { expectAlive, expectNoServerErrors, markLog } from './server-health';

// The soak's engine (issue 6), for one process or several sharing Redis: rooms of members chat
// while members drop and come back within the grace, each time through a process picked at
// random, resuming (docs/protocol.md §5.1) from the highest seq they had seen, as the web client
// does; a first connection resumes from 0. It asserts that every acknowledged message reached
// every member of its room exactly once across that member's connections, in seq order,
// unchanged, members that were away when it was acknowledged included (they get it when they
// resume), and that nobody was sent `missed`; that nobody saw a member `left` (nor got a
// session:end other than `left`, nor was disconnected by a server) before everyone left; and
// that afterwards nothing is left behind: no room in any process's directory, one room.deleted
// per room and one session.ended per member across the processes' logs, every process alive
// with no error logged.
//
// A stall of the machine running the test (seconds on a loaded CI machine) can make a comeback
// planned for 1 s arrive after the grace. The server is then right to end that session, so a
// timeout is judged by the server's own records, not by the test's plans: it passes when the
// server's log shows the member's socket disconnected at least a grace before the session ended
// and no connection of it in between; otherwise it is a false departure and fails the run. A
// member so timed out is owed only what arrived while it was online (see ONLINE_MARGIN_MS).

/** Each member sends one message every 1 to 3 s. */
const SEND_EVERY_MS: [number, number] = [1_000, 3_000];
/** One member drops every this many ms, and comes back after 100 to 1,000 ms (well inside the grace). */
const CHURN_EVERY_MS = 250;
const BACK_AFTER_MS: [number, number] = [100, 1_000];
/**
 * A member that the server rightly timed out (a stall) is owed a message only when the connection
 * it had was connected (its presence had arrived) before the sender emitted it and stayed
 * connected until this long after the ack: by then the relay, written before the ack, has long
 * arrived. Every other member is owed every message of its room.
 */
const ONLINE_MARGIN_MS = 2_000;
/** How long, after the chat, the members' last connections may take to get what they are owed. */
const CATCH_UP_MS = 10_000;

/** The environment of every soak process: the grace, the directory on, no rate limit, info logs. */
export function soakServerEnv(graceMs: number): ServerEnv {
  return {
    DISCONNECT_GRACE_MS: String(graceMs),
    ROOM_DIRECTORY: 'true',
    RATE_CREATES_PER_MIN: '0',
    RATE_JOINS_PER_MIN: '0',
    RATE_LOOKUPS_PER_MIN: '0',
    RATE_CONNECTS_PER_MIN: '0',
    RATE_MESSAGES_PER_SEC: '0',
    LOG_LEVEL: 'info',
  };
}

export interface SoakOptions {
  /**
   * The processes to use (started with `soakServerEnv(graceMs)`). Member i of the deployment
   * creates or joins, and first connects, through `nodes[i % nodes.length]`; every reconnect
   * goes to one picked at random.
   */
  nodes: ServerProcess[];
  rooms: number;
  perRoom: number;
  chatMs: number;
  /** The processes' DISCONNECT_GRACE_MS. */
  graceMs: number;
  /** Seeds the churn's choices (who drops, how, for how long, where it comes back); SOAK_SEED or random. */
  seed?: number;
}

export interface SoakReport {
  seed: number;
  roomNames: string[];
  /** Messages acknowledged. */
  acked: number;
  /** (message, member owed it) pairs checked. */
  required: number;
  /** Of those, the pairs where the member was not online throughout (it had to resume to get the message). */
  resumed: number;
  /** Drops, each followed by a reconnect. */
  cycles: number;
  /** Reconnects that landed on another process than the connection they replaced. */
  moves: number;
  /** Connections lost without the server closing them (a stalled machine), each followed by a comeback. */
  unplannedDrops: number;
  /** Members whose session the server rightly timed out (back later than the grace by its clock). */
  timedOut: number;
}

interface Connection {
  client: ChatClient;
  node: number;
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
  /** The highest seq it saw (received, or of its own acknowledged): its `resume` when it connects again. */
  highest: number;
  /** Seen to be timed out (a `left` with reason timeout, a refused comeback, or missing from a presence); judged afterwards. */
  timedOut: boolean;
}

interface SentMessage {
  room: number;
  from: string;
  id: string;
  box: Buffer;
  sentAt: number;
  ack?: { seq: number; ts: number; at: number };
}

/** mulberry32: a small seeded generator, so a failing run's choices can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}


function logsOf(nodes: ServerProcess[], event: string, roomNames: string[]): LogRecord[] {
  return nodes.flatMap((node) => node.logs()).filter((record) => record.event === event && roomNames.includes(record['room'] as string));
}

/**
 * Whether the servers' own records justify ending `user`'s session in `room` for a timeout: a
 * `session.ended` (timeout) at least `graceMs` after that user's last `socket.disconnected`,
 * with no `socket.connected` of it in between. Undefined when they do; what is wrong otherwise.
 */
function unjustifiedTimeout(nodes: ServerProcess[], room: string, user: string, graceMs: number): string | undefined {
  // The log's `time` is ISO 8601 with milliseconds.
  const timed = nodes
    .flatMap((node) => node.logs())
    .filter((record) => record['room'] === room && record['user'] === user)
    .map((record) => ({ record, at: Date.parse(String(record['time'])) }))
    .sort((a, b) => a.at - b.at);
  const ended = timed.find(({ record }) => record.event === 'session.ended');
  if (!ended) return 'the server logged no session.ended';
  if (ended.record['reason'] !== 'timeout') return `the server ended it with reason ${String(ended.record['reason'])}`;
  const before = timed.filter(({ at }) => at <= ended.at);
  const lastDisconnect = before.filter(({ record }) => record.event === 'socket.disconnected').at(-1);
  if (!lastDisconnect) return 'the server timed it out without a disconnect';
  const away = ended.at - lastDisconnect.at;
  const backMeanwhile = before.some(({ record, at }) => record.event === 'socket.connected' && at > lastDisconnect.at);
  if (backMeanwhile) return 'the server timed it out although it had come back';
  if (away < graceMs) return `the server timed it out after ${away} ms away, under the grace of ${graceMs} ms`;
  return undefined;
}

/** Runs the soak on `options.nodes` and asserts as described above; resolves with what it did. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { nodes, rooms: ROOMS, perRoom: PER_ROOM, chatMs, graceMs } = options;
  if (BACK_AFTER_MS[1] * 2 > graceMs) throw new Error(`a grace of ${graceMs} ms is too short for comebacks after up to ${BACK_AFTER_MS[1]} ms`);
  const seed = options.seed ?? Number(process.env['SOAK_SEED'] ?? Math.floor(Math.random() * 2 ** 32));
  const random = seededRandom(seed);
  const randomIn = ([low, high]: [number, number], pick = Math.random): number => low + pick() * (high - low);
  const marks = nodes.map((node) => markLog(node));
  const failures: string[] = [];
  const fail = (what: string): void => void failures.push(`${new Date().toISOString()} ${what}`);
  let leaving = false;
  let unplannedDrops = 0;

  // ROOMS rooms of PER_ROOM, every member from an address of its own, spread over the processes.
  const roomNames = Array.from({ length: ROOMS }, () => uniqueRoomName('soak'));
  const names = Array.from({ length: PER_ROOM }, (_, index) => `member${index + 1}`);
  const nodeOf = (room: number, index: number): number => (room * PER_ROOM + index) % nodes.length;
  const members: Member[] = (
    await Promise.all(
      roomNames.map(async (room, roomIndex) => {
        const owner = await createRoom(nodes[nodeOf(roomIndex, 0)]!, { room, username: names[0] });
        const sessions = [owner];
        for (const [index, name] of names.entries()) if (index > 0) sessions.push(await joinRoom(nodes[nodeOf(roomIndex, index)]!, owner, { username: name }));
        return sessions.map((session) => ({ room: roomIndex, name: session.username, session, connections: [], cycling: false, highest: 0, timedOut: false }));
      }),
    )
  ).flat();
  expect(members).toHaveLength(ROOMS * PER_ROOM);

  const memberNamed = (room: number, name: string): Member | undefined => members.find((member) => member.room === room && member.name === name);
  const markTimedOut = (room: number, name: string): void => {
    const member = memberNamed(room, name);
    if (member) member.timedOut = true;
    else fail(`a member ${name}@${room} that never existed timed out`);
  };

  const current = (member: Member): Connection | undefined => {
    const last = member.connections.at(-1);
    return last && last.presenceAt !== undefined && last.closedAt === undefined ? last : undefined;
  };

  async function connect(member: Member, node: number): Promise<void> {
    const client = chatFor(nodes[node]!, member.session, { auth: { token: member.session.token, resume: member.highest } });
    const connection: Connection = { client, node, presenceAt: undefined, closedAt: undefined, received: [] };
    const who = `${member.name}@${member.room} (connection ${member.connections.length + 1}, process ${node})`;
    member.connections.push(connection);
    client.socket.on(ServerEvent.Message, (message: RelayedMessage) => {
      connection.received.push({ ...message, box: Buffer.from(message.box as Uint8Array) });
      member.highest = Math.max(member.highest, message.seq);
    });
    client.socket.on(ServerEvent.Missed, (missed: MissedEvent) => fail(`${who} was sent missed ${missed.from}-${missed.to}`));
    client.socket.on(ServerEvent.Presence, (presence: PresenceEvent) => {
      connection.presenceAt = Date.now();
      const listed = presence.members.map((entry) => entry.name);
      const strangers = listed.filter((name) => !names.includes(name));
      if (strangers.length > 0 || new Set(listed).size !== listed.length) fail(`${who} saw members ${listed.join(',')}`);
      // A member missing from the list was timed out; whether rightly is judged from the server's log.
      for (const name of names) if (!listed.includes(name)) markTimedOut(member.room, name);
      if (!presence.members.some((entry) => entry.name === member.name && entry.status === 'online')) fail(`${who} is not online in its own presence`);
    });
    client.socket.on(ServerEvent.Member, (event: MemberEvent) => {
      if (event.type !== 'left' || leaving) return;
      if (event.reason === 'timeout') markTimedOut(member.room, event.name);
      else fail(`${who} saw ${event.name} left (${event.reason ?? 'no reason'}) while nobody had left`);
    });
    client.socket.on(ServerEvent.SessionEnd, (end: SessionEndEvent) => {
      if (end.reason !== 'left') fail(`${who} got session:end ${end.reason}`);
    });
    client.socket.on('disconnect', (reason: string) => {
      if (connection.closedAt !== undefined) return;
      connection.closedAt = Date.now();
      if (reason === 'io server disconnect' || leaving) {
        fail(`${who} was disconnected by the server (${reason})`);
        return;
      }
      // The transport was lost without the server closing it (a stalled machine misses a ping):
      // the client comes back as after any drop.
      unplannedDrops += 1;
      void comeBack(member, node);
    });
    await client.connect(10_000);
    await client.next<PresenceEvent>(ServerEvent.Presence, () => true, 10_000);
  }

  for (let room = 0; room < ROOMS; room++) {
    await Promise.all(members.map((member, index) => (member.room === room ? connect(member, index % nodes.length) : undefined)));
  }
  for (const node of nodes) {
    const directory = await getDirectory(node);
    expect(directory.body.rooms).toHaveLength(ROOMS);
    expect(directory.body.rooms.every((room: { members: number }) => room.members === PER_ROOM)).toBe(true);
  }

  const sent: SentMessage[] = [];
  const endAt = Date.now() + chatMs;

  async function talk(member: Member): Promise<void> {
    await delay(Math.random() * SEND_EVERY_MS[1]);
    while (Date.now() < endAt) {
      const connection = current(member);
      if (connection) {
        const message: SentMessage = { room: member.room, from: member.name, id: newId(), box: randomBox(48 + Math.floor(Math.random() * 400)), sentAt: Date.now() };
        sent.push(message);
        try {
          const ack = await connection.client.emitWithAckWithin<MessageAck>(10_000, ClientEvent.Message, { id: message.id, box: message.box });
          if (ack.ok) {
            message.ack = { seq: ack.seq, ts: ack.ts, at: Date.now() };
            member.highest = Math.max(member.highest, ack.seq);
          } else fail(`${member.name}@${member.room}: message refused with ${ack.error.code}`);
        } catch (error) {
          // An ack lost because this very connection was dropped by the test is expected.
          if (connection.closedAt === undefined) fail(`${member.name}@${member.room}: ${(error as Error).message}`);
        }
      }
      await delay(randomIn(SEND_EVERY_MS));
    }
  }

  /** Reconnects `member` through `node` after a drop; a refusal means its session ended meanwhile. */
  async function comeBack(member: Member, node: number): Promise<void> {
    member.cycling = true;
    try {
      await connect(member, node);
    } catch {
      // Judged from the server's log below.
      member.timedOut = true;
      const attempt = member.connections.at(-1)!;
      attempt.closedAt = Date.now();
      attempt.client.disconnect();
    }
    member.cycling = false;
  }

  let cycles = 0;
  let moves = 0;
  async function cycle(member: Member): Promise<void> {
    const connection = current(member);
    if (!connection || member.cycling) return;
    member.cycling = true;
    cycles += 1;
    const closeTab = random() < 0.5;
    const backAfter = randomIn(BACK_AFTER_MS, random);
    const node = Math.floor(random() * nodes.length);
    if (node !== connection.node) moves += 1;
    connection.closedAt = Date.now();
    const tcp = connection.client.tcpSocket;
    if (closeTab || !tcp) connection.client.disconnect(); // a closed tab
    else tcp.destroy(); // a dropped connection
    await delay(backAfter);
    await comeBack(member, node);
  }

  const churn = (async () => {
    const cycling: Promise<void>[] = [];
    while (Date.now() < endAt - BACK_AFTER_MS[1] - 500) {
      cycling.push(cycle(members[Math.floor(random() * members.length)]!));
      await delay(CHURN_EVERY_MS);
    }
    await Promise.all(cycling);
  })();
  await Promise.all([...members.map((member) => talk(member)), churn]);
  const acked = sent.filter((message) => message.ack);
  // Every member still in its room ends with the last seq of its room (or its own): wait for that.
  const lastSeq = (room: number): number => Math.max(0, ...acked.filter((message) => message.room === room).map((message) => message.ack!.seq));
  const catchUpBy = Date.now() + CATCH_UP_MS;
  while (Date.now() < catchUpBy && members.some((member) => !member.timedOut && member.highest < lastSeq(member.room))) await delay(100);
  await delay(ONLINE_MARGIN_MS);

  expect({ seed, failures }).toEqual({ seed, failures: [] });

  // Timeouts: each must be what the server's own clock called one (see the top of this file).
  const timedOut = members.filter((member) => member.timedOut);
  const falseDepartures = timedOut.flatMap((member) => {
    const wrong = unjustifiedTimeout(nodes, roomNames[member.room]!, member.name, graceMs);
    return wrong === undefined ? [] : [`${member.name}@${member.room}: ${wrong}`];
  });
  expect({ seed, falseDepartures }).toEqual({ seed, falseDepartures: [] });
  // A stall may cost a few members, not the run: most must have stayed.
  expect(timedOut.length).toBeLessThan(members.length / 4);

  // Exactly once, in seq order across a member's connections, unchanged, to every member of its room.
  const byId = new Map(sent.map((message) => [message.id, message]));
  const problems: string[] = [];
  /** Per member, how many of its connections got each message id. */
  const connectionsWith = new Map<Member, Map<string, number>>();
  for (const member of members) {
    const seen = new Set<number>();
    const got = new Map<string, number>();
    connectionsWith.set(member, got);
    let last = 0;
    for (const [index, connection] of member.connections.entries()) {
      for (const id of new Set(connection.received.map((message) => message.id))) got.set(id, (got.get(id) ?? 0) + 1);
      const who = `${member.name}@${member.room} (connection ${index + 1}, process ${connection.node})`;
      for (const message of connection.received) {
        const original = byId.get(message.id);
        if (!original || original.room !== member.room) problems.push(`${who} got an unknown message ${message.id}`);
        else if (original.from === member.name) problems.push(`${who} got its own message back`);
        else if (message.from !== original.from || !message.box.equals(original.box)) problems.push(`${who} got seq ${message.seq} altered`);
        else if (original.ack && (message.seq !== original.ack.seq || message.ts !== original.ack.ts)) problems.push(`${who} got seq ${message.seq}, acked as ${original.ack.seq}`);
        if (message.seq <= last) problems.push(`${who} got seq ${message.seq} after ${last}`);
        if (seen.has(message.seq)) problems.push(`${who} got seq ${message.seq} twice`);
        seen.add(message.seq);
        last = message.seq;
      }
    }
  }
  let required = 0;
  let resumed = 0;
  for (const message of acked) {
    for (const member of members) {
      if (member.room !== message.room || member.name === message.from) continue;
      const online = member.connections.find(
        (connection) => connection.presenceAt !== undefined && connection.presenceAt <= message.sentAt && (connection.closedAt ?? Infinity) >= message.ack!.at + ONLINE_MARGIN_MS,
      );
      if (member.timedOut && !online) continue;
      required += 1;
      if (!online) resumed += 1;
      const copies = connectionsWith.get(member)!.get(message.id) ?? 0;
      if (copies !== 1) problems.push(`${member.name}@${message.room} got seq ${message.ack!.seq} from ${message.from} on ${copies} connections`);
    }
  }
  expect({ seed, problems: problems.slice(0, 20) }).toEqual({ seed, problems: [] });

  // Everyone left leaves: no ghost anywhere.
  leaving = true;
  await Promise.all(
    members.filter((member) => !member.timedOut).map(async (member) => {
      const connection = current(member)!;
      connection.closedAt = Date.now();
      expect(await connection.client.emitWithAckWithin<LeaveAck>(10_000, ClientEvent.Leave)).toEqual({ ok: true });
    }),
  );
  const deadline = Date.now() + 10_000;
  for (const node of nodes) {
    let rooms: unknown[] = [];
    do {
      rooms = (await getDirectory(node)).body.rooms;
      if (rooms.length > 0) await delay(100);
    } while (rooms.length > 0 && Date.now() < deadline);
    expect(rooms).toEqual([]);
  }
  // The log may trail the HTTP answers a little: wait for each room's line, on whichever process ended it.
  for (const room of roomNames) await Promise.any(nodes.map((node) => node.waitForLog((record) => record.event === 'room.deleted' && record['room'] === room, 10_000)));
  expect(logsOf(nodes, 'room.deleted', roomNames)).toHaveLength(ROOMS);
  const ended = logsOf(nodes, 'session.ended', roomNames);
  expect(ended.filter((record) => record['reason'] !== 'left')).toHaveLength(timedOut.length);
  expect(ended.filter((record) => record['reason'] === 'timeout')).toHaveLength(timedOut.length);
  expect(ended).toHaveLength(ROOMS * PER_ROOM);

  expect({ seed, failures }).toEqual({ seed, failures: [] });
  for (const [index, node] of nodes.entries()) {
    await expectAlive(node);
    expectNoServerErrors(node, marks[index]!);
  }
  return { seed, roomNames, acked: acked.length, required, resumed, cycles, moves, unplannedDrops, timedOut: timedOut.length };
}
