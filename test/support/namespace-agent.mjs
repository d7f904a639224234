// Runs inside a network namespace that a test made (test/support/network-namespace.ts): reads one
// JSON command a line on stdin and answers one JSON line on stdout, so that a test outside the
// namespace can send HTTP requests and open Socket.IO connections from the namespace's addresses.
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

const TIMEOUT_MS = 10_000;

function write(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** One request over its own connection from `from`; answers { status, headers, body }. */
function sendHttp({ url, method, path, json, from, headers = {} }) {
  const target = new URL(path, url);
  const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  const allHeaders = { Accept: 'application/json', ...headers };
  if (payload) Object.assign(allHeaders, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, path: target.pathname, method, headers: allHeaders, localAddress: from, agent: false, timeout: TIMEOUT_MS },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${target.href} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Opens a /chat connection from `from` and closes it; answers { outcome: 'connected' } or the connect_error code. */
function connectOnce({ url, token, from }) {
  return new Promise((resolve) => {
    const socket = io(`${url}/chat`, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      timeout: TIMEOUT_MS,
      localAddress: from,
    });
    socket.on('connect', () => {
      socket.disconnect();
      resolve({ outcome: 'connected' });
    });
    socket.on('connect_error', (error) => {
      socket.disconnect();
      resolve({ outcome: error.data?.code ?? `error: ${error.message}` });
    });
  });
}

const commands = { http: sendHttp, connect: connectOnce };

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const { id, op, ...command } = JSON.parse(line);
    Promise.resolve()
      .then(() => commands[op](command))
      .then(
        (answer) => write({ id, ...answer }),
        (error) => write({ id, error: String(error?.message ?? error) }),
      );
  })
  .on('close', () => process.exit(0));

write({ ready: true });
