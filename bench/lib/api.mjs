// How the load generator becomes a member of either target: CipherNest needs an HTTP create or
// join (docs/protocol.md §4) and then a Socket.IO connection with the token; the bare relay takes
// the room and name in the handshake. Every member may come from its own loopback address.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { io } from 'socket.io-client';

export const BARE = 'bare';
export const CIPHERNEST = 'ciphernest';

/**
 * The n-th loopback address of a run (127.1.1.1, 127.1.1.2, ...), 62,500 of them per second
 * octet: a member's HTTP requests and socket share it, and connections spread over many
 * addresses never run out of ephemeral ports however many cycles a scenario makes.
 */
export function address(n) {
  return `127.${1 + Math.floor(n / 62_500)}.${(Math.floor(n / 250) % 250) + 1}.${(n % 250) + 1}`;
}

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** The cheapest kdf the protocol accepts: the server stores it and never runs it. */
export function benchKdf() {
  return { alg: 'argon2id', m: 19_456, t: 2, p: 1, salt: b64url(randomBytes(16)) };
}

export function randomVerifier() {
  return b64url(randomBytes(32));
}

/** One JSON request over its own connection from `from`. */
export function httpJson(baseUrl, method, path, body, from, timeoutMs = 30_000) {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers = { Accept: 'application/json' };
  if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers, localAddress: from, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: json, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Makes `name` a member of `room` on the target and returns what its socket needs. On
 * CipherNest the first member creates the room (with `verifier`) and the others join it.
 */
export async function admit(target, { room, name, from, creator, verifier }) {
  if (target.kind === BARE) return { auth: { room, name }, from };
  const res = creator
    ? await httpJson(target.url, 'POST', '/api/rooms', { room, username: name, verifier, kdf: benchKdf() }, from)
    : await httpJson(target.url, 'POST', `/api/rooms/${encodeURIComponent(room)}/sessions`, { username: name, verifier }, from);
  if (res.status !== 201) throw new Error(`${creator ? 'create' : 'join'} ${room}/${name}: ${res.status} ${res.text.slice(0, 200)}`);
  return { auth: { token: res.body.token }, from };
}

/**
 * A connected /chat socket. On CipherNest it resolves once `presence` arrived (the member is
 * in); on the bare relay once connected. No reconnection: a drop is a failure of the run.
 */
export function connectMember(target, { auth, from }, timeoutMs = 30_000) {
  const socket = io(`${target.url}/chat`, {
    path: '/socket.io',
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
    localAddress: from,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.off('connect_error', fail);
      resolve(socket);
    };
    function fail(error) {
      clearTimeout(timer);
      socket.close();
      reject(new Error(`connect refused: ${error?.data?.code ?? error?.message ?? error}`));
    }
    socket.once('connect_error', fail);
    if (target.kind === CIPHERNEST) socket.once('presence', done);
    else socket.once('connect', done);
  });
}

/** Runs `task` over `items` with at most `limit` at a time; resolves with results in order. */
export async function mapLimit(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
