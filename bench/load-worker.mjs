// A load-generator process of `npm run bench`, forked by bench/run.mjs and driven over IPC:
// `{ id, cmd, args }` in, `{ id, ok, result | error }` out. It holds Socket.IO clients
// (socket.io-client, WebSocket only) and measures what they see with this process's clock, so
// every latency is one process's `performance.now()` at receipt minus its own at sending (the
// send time travels in the box's first 8 bytes; the rest is random, like ciphertext).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { address, admit, connectMember, mapLimit } from './lib/api.mjs';
import { Histogram } from './lib/histogram.mjs';

/** The clients this worker holds for each target kind, in the order they joined: `{ socket, room, name }`. */
const groups = new Map();
const clientsOf = (kind) => groups.get(kind) ?? [];
let idCounter = 0;
const idPrefix = `w${process.pid.toString(36)}x`.padEnd(10, '0');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A message id of docs/protocol.md §3 (16 to 64 of [A-Za-z0-9_-]), unique per worker. */
function nextId() {
  idCounter += 1;
  return `${idPrefix}${idCounter.toString(36).padStart(10, '0')}`;
}

function stampedBox(template, sentAt) {
  const box = Buffer.allocUnsafe(template.length);
  template.copy(box);
  box.writeDoubleLE(sentAt, 0);
  return box;
}

function readStamp(box) {
  if (Buffer.isBuffer(box)) return box.readDoubleLE(0);
  if (box instanceof ArrayBuffer) return new DataView(box).getFloat64(0, true);
  if (ArrayBuffer.isView(box)) return new DataView(box.buffer, box.byteOffset, box.byteLength).getFloat64(0, true);
  return Number.NaN;
}

function cpuSince(start) {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/**
 * Admits and connects every member, room by room (`concurrency` rooms at a time; in a room the
 * first member creates it, then the others join), keeps the sockets, and times the whole.
 */
async function join({ target, rooms, concurrency, group = target.kind }) {
  const started = performance.now();
  const errors = [];
  const joined = await mapLimit(rooms, concurrency, async (room) => {
    const [first, ...others] = room.members;
    const inRoom = [];
    // Several processes of one deployment: a room's members are dealt to them in turn.
    const via = (member) => (target.urls ? { ...target, url: target.urls[room.members.indexOf(member) % target.urls.length] } : target);
    const enter = async (member, creator) => {
      try {
        const credentials = await admit(via(member), { room: room.name, name: member.name, from: member.from, creator, verifier: room.verifier });
        const socket = await connectMember(via(member), credentials);
        inRoom.push({ socket, room: room.name, name: member.name, credentials, url: via(member).url, kind: target.kind });
      } catch (error) {
        errors.push(error.message);
      }
    };
    await enter(first, true);
    await Promise.all(others.map((member) => enter(member, false)));
    return inRoom;
  });
  const ms = performance.now() - started;
  const fresh = joined.flat();
  groups.set(group, [...clientsOf(group), ...fresh]);
  return { ms, connected: fresh.length, errors: errors.length, firstErrors: errors.slice(0, 3) };
}

/**
 * Every client sends 256-byte boxes to its room for `warmupMs + durationMs`; only the second
 * part is measured. Closed loop: each client sends its next message when the last is
 * acknowledged. Open loop: the worker sends `rate` messages a second in total, spread evenly
 * over its clients, whatever the acks; latency then runs from the scheduled send time, so a
 * server (or generator) that falls behind cannot hide its queue.
 */
async function fanout({ kind, group = kind, mode, warmupMs, durationMs, rate, boxBytes }) {
  const clients = clientsOf(group);
  const template = randomBytes(boxBytes);
  const latency = new Histogram();
  let measuring = false;
  let stopping = false;
  let delivered = 0;
  let acked = 0;
  let sent = 0;
  let refused = 0;
  let inflight = 0;
  let lastRefusal;

  const onMessage = (message) => {
    if (!measuring) return;
    delivered += 1;
    latency.record(performance.now() - readStamp(message.box));
  };
  for (const client of clients) client.socket.on('message', onMessage);

  const send = (client, sentAt, onAck) => {
    inflight += 1;
    if (measuring) sent += 1;
    client.socket.emit('message', { id: nextId(), box: stampedBox(template, sentAt) }, (ack) => {
      inflight -= 1;
      if (ack?.ok) {
        if (measuring) acked += 1;
      } else {
        refused += 1;
        lastRefusal = ack?.error?.code ?? 'no ack';
      }
      onAck?.();
    });
  };

  let timer;
  if (mode === 'closed') {
    const loop = (client) => {
      if (stopping) return;
      send(client, performance.now(), () => loop(client));
    };
    for (const client of clients) loop(client);
  } else {
    const perMs = rate / 1000;
    const start = performance.now();
    let scheduled = 0;
    timer = setInterval(() => {
      const due = Math.floor((performance.now() - start) * perMs);
      for (; scheduled < due; scheduled++) send(clients[scheduled % clients.length], start + scheduled / perMs);
    }, 1);
  }

  await sleep(warmupMs);
  measuring = true;
  const cpuStart = process.cpuUsage();
  const windowStart = performance.now();
  await sleep(durationMs);
  measuring = false;
  const windowMs = performance.now() - windowStart;
  const cpu = cpuSince(cpuStart);
  stopping = true;
  clearInterval(timer);
  for (let waited = 0; inflight > 0 && waited < 10_000; waited += 50) await sleep(50);
  await sleep(300);
  for (const client of clients) client.socket.off('message', onMessage);
  return {
    windowMs,
    sent,
    acked,
    delivered,
    refused,
    lastRefusal,
    unacked: inflight,
    latency: latency.toJSON(),
    cpuMs: cpu,
    clients: clients.length,
  };
}

/** The first client sends `count` boxes of each size, one at a time, to the others of its room. */
async function large({ kind, sizes }) {
  const [sender, ...receivers] = clientsOf(kind);
  const biggest = Math.max(...sizes.map((size) => size.bytes));
  const template = randomBytes(biggest);
  const results = [];
  for (const { bytes, count } of sizes) {
    const latency = new Histogram();
    const complete = new Histogram();
    // One unmeasured message first: the first of a size grows buffers on both sides.
    for (let i = -1; i < count; i++) {
      const box = stampedBox(template.subarray(0, bytes), performance.now());
      const sentAt = readStamp(box);
      const receipts = receivers.map(
        (client) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`a ${bytes}-byte message did not arrive within 60 s`)), 60_000);
            client.socket.once('message', (message) => {
              clearTimeout(timer);
              resolve(performance.now() - readStamp(message.box));
            });
          }),
      );
      const ack = sender.socket.timeout(60_000).emitWithAck('message', { id: nextId(), box });
      const [answer, ...latencies] = await Promise.all([ack, ...receipts]);
      if (!answer?.ok) throw new Error(`a ${bytes}-byte message was refused: ${JSON.stringify(answer)}`);
      if (i < 0) continue;
      for (const ms of latencies) latency.record(ms);
      complete.record(performance.now() - sentAt);
    }
    results.push({ bytes, count, receivers: receivers.length, latency: latency.toJSON(), complete: complete.toJSON() });
  }
  return results;
}

function leave(socket, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('leave: the server did not close the socket'));
    }, timeoutMs);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.timeout(timeoutMs).emit('leave', () => undefined);
  });
}

/**
 * `cycles` join/leave cycles over `concurrency` lanes: admit (CipherNest: HTTP join), connect,
 * `leave` with its ack, wait for the server to close the socket. Each cycle comes from an
 * address of its own, `firstAddress` onwards.
 */
async function churn({ target, rooms, cycles, concurrency, firstAddress }) {
  let next = 0;
  const errors = [];
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const lane = async () => {
    while (next < cycles) {
      const n = next++;
      const room = rooms[n % rooms.length];
      try {
        const credentials = await admit(target, { room: room.name, name: `c${n}`, from: address(firstAddress + n), creator: false, verifier: room.verifier });
        const socket = await connectMember(target, credentials);
        await leave(socket);
      } catch (error) {
        errors.push(error.message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { ms: performance.now() - started, cycles, errors: errors.length, firstErrors: errors.slice(0, 3), cpuMs: cpuSince(cpuStart) };
}

/** Every client leaves (CipherNest ends its session at once) and the list is emptied. */
async function leaveAll({ kind, group = kind }) {
  const leaving = clientsOf(group);
  groups.delete(group);
  const outcomes = await Promise.allSettled(leaving.map((client) => leave(client.socket)));
  return { left: outcomes.filter((outcome) => outcome.status === 'fulfilled').length, failed: outcomes.filter((outcome) => outcome.status === 'rejected').length };
}

/** Every client disconnects without leaving (the sessions go away on CipherNest). */
async function closeAll({ kind, group = kind }) {
  const closing = clientsOf(group);
  groups.delete(group);
  for (const client of closing) client.socket.close();
  return { closed: closing.length };
}

/**
 * Reconnect storm, part 1: every client of `group` connected to `fromUrl` is set to reconnect,
 * as soon as its socket drops, to `toUrl` with its token and `resume` (the last seq it saw), and
 * every client of the group counts the `member` events it hears from then on. Answers at once.
 */
const storms = new Map();
function armReconnect({ group, fromUrl, toUrl, timeoutMs }) {
  const clients = clientsOf(group);
  const storm = { back: [], failures: [], events: { left: 0, away: 0, back: 0, joined: 0 }, pending: 0 };
  storms.set(group, storm);
  for (const client of clients) {
    client.lastSeq ??= 0;
    client.socket.on('message', (message) => {
      client.lastSeq = Math.max(client.lastSeq, message.seq);
    });
    client.socket.on('member', (event) => {
      storm.events[event.type] = (storm.events[event.type] ?? 0) + 1;
      if (event.type === 'left') storm.failures.push(`${event.name} left (${event.reason}) as seen by ${client.name}`);
    });
    if (client.url !== fromUrl) continue;
    storm.pending += 1;
    storm.done ??= new Promise((resolve) => {
      storm.resolve = resolve;
    });
    client.socket.once('disconnect', async () => {
      const droppedAt = Date.now();
      try {
        const target = { kind: 'ciphernest', url: toUrl };
        const socket = await connectMember(target, { auth: { ...client.credentials.auth, resume: client.lastSeq }, from: client.credentials.from }, timeoutMs);
        client.socket = socket;
        client.url = toUrl;
        socket.on('member', (event) => {
          storm.events[event.type] = (storm.events[event.type] ?? 0) + 1;
          if (event.type === 'left') storm.failures.push(`${event.name} left (${event.reason}) as seen by ${client.name}`);
        });
        storm.back.push({ droppedAt, backAt: Date.now() });
      } catch (error) {
        storm.failures.push(`${client.room}/${client.name}: ${error.message}`);
      }
      storm.pending -= 1;
      if (storm.pending === 0) storm.resolve();
    });
  }
  return { armed: storm.pending };
}

/** Reconnect storm, part 2: waits until every armed client is back (or failed), then `settleMs` more; the times are wall-clock ms. */
async function awaitReconnect({ group, settleMs }) {
  const storm = storms.get(group);
  if (storm.pending > 0) await storm.done;
  await sleep(settleMs);
  return { back: storm.back, failures: storm.failures.slice(0, 10), failed: storm.failures.length, events: storm.events };
}

const commands = { join, fanout, large, churn, leaveAll, closeAll, armReconnect, awaitReconnect };

process.on('message', async ({ id, cmd, args }) => {
  try {
    const command = commands[cmd];
    if (!command) throw new Error(`unknown command ${cmd}`);
    process.send({ id, ok: true, result: await command(args ?? {}) });
  } catch (error) {
    process.send({ id, ok: false, error: error?.stack ?? String(error) });
  }
});

process.on('disconnect', () => process.exit(0));
