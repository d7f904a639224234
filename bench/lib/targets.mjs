// The two servers of a run as child processes: the built CipherNest server and the bare relay.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BARE, CIPHERNEST, httpJson } from './api.mjs';
import { rssKiB } from './process-stats.mjs';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CIPHERNEST_ENTRY = resolve(REPO_ROOT, process.env.CIPHERNEST_SERVER_ENTRY ?? 'dist/apps/server/main.js');
const BARE_ENTRY = resolve(REPO_ROOT, 'bench', 'bare-relay.mjs');
const GC_PRELOAD = pathToFileURL(resolve(REPO_ROOT, 'bench', 'lib', 'gc-on-signal.mjs')).href;

/**
 * CipherNest's environment for the run: every rate limit off (0), the directory on (churn reads
 * it to prove the stores end empty), warnings only in the log. Every other limit keeps its
 * default (64 members a room, 10,000 rooms, 8 MiB boxes, 32 MiB per slow reader; relayed
 * messages held for resuming for 30 s, docs/protocol.md §5.1).
 */
export const CIPHERNEST_ENV = {
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
  ROOM_DIRECTORY: 'true',
  RATE_CREATES_PER_MIN: '0',
  RATE_JOINS_PER_MIN: '0',
  RATE_FAILED_JOINS_PER_MIN: '0',
  RATE_LOOKUPS_PER_MIN: '0',
  RATE_CONNECTS_PER_MIN: '0',
  RATE_MESSAGES_PER_SEC: '0',
  RATE_MESSAGES_BURST: '0',
};

/** Variables a server reads that must not leak in from the caller's shell. */
const SERVER_VARIABLES = [
  'PORT', 'HOST', 'TRUST_PROXY', 'TLS_CERT', 'TLS_KEY', 'LOG_LEVEL', 'LOG_FORMAT', 'STORE', 'REDIS_URL', 'TOKEN_SECRET',
  'ROOM_DIRECTORY', 'ALLOWED_ORIGINS', 'LOG_IP', 'METRICS_TOKEN', 'DISCONNECT_GRACE_MS', 'MAX_MESSAGE_BYTES',
  'MAX_BUFFERED_BYTES', 'MAX_MEMBERS_PER_ROOM', 'MAX_ROOMS', 'RATE_CREATES_PER_MIN', 'RATE_JOINS_PER_MIN',
  'RATE_FAILED_JOINS_PER_MIN', 'RATE_LOOKUPS_PER_MIN', 'RATE_CONNECTS_PER_MIN', 'RATE_MESSAGES_PER_SEC',
  'RATE_MESSAGES_BURST', 'NODE_OPTIONS',
  'IPV6_PREFIX_LENGTH', 'MAX_ROOMS_PER_ADDRESS', 'MAX_SESSIONS_PER_ADDRESS',
  'MAX_CONNECTIONS_PER_ADDRESS', 'PUBLIC_ORIGIN', 'REPLAY_MS', 'REPLAY_MAX_BYTES', 'REPLAY_MAX_TOTAL_BYTES',
];

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Starts one target and resolves once GET /healthz answers. `nodeArgs` go before the entry
 * (e.g. `--cpu-prof`). The result: `{ kind, label, url, pid, warnings, stop() }`, where
 * `warnings` collects the JSON log lines the server printed.
 */
export async function startTarget(kind, { nodeArgs = [], env = {} } = {}) {
  if (kind === CIPHERNEST && !existsSync(CIPHERNEST_ENTRY)) {
    throw new Error(`CipherNest is not built: ${CIPHERNEST_ENTRY} is missing (npm run build:server)`);
  }
  const port = await freePort();
  const inherited = { ...process.env };
  for (const name of SERVER_VARIABLES) delete inherited[name];
  const entry = kind === CIPHERNEST ? CIPHERNEST_ENTRY : BARE_ENTRY;
  const child = spawn(process.execPath, ['--expose-gc', '--import', GC_PRELOAD, ...nodeArgs, entry], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...(kind === CIPHERNEST ? CIPHERNEST_ENV : { HOST: '127.0.0.1' }), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let exited;
  const exit = new Promise((resolveExit) => child.on('close', (code, signal) => resolveExit((exited = { code, signal }))));
  const collect = (stream) => {
    let partial = '';
    stream.setEncoding('utf8').on('data', (chunk) => {
      const pieces = (partial + chunk).split('\n');
      partial = pieces.pop();
      for (const line of pieces) if (line.trim()) lines.push(line);
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  const url = `http://127.0.0.1:${port}`;
  const target = {
    kind,
    label: kind === CIPHERNEST ? 'CipherNest' : 'bare relay',
    url,
    pid: child.pid,
    lines,
    /** The server's own log lines, parsed where they are JSON. */
    logs: () => lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return { raw: line };
      }
    }),
    get exited() {
      return exited;
    },
    /** Runs a full GC in the server (bench/lib/gc-on-signal.mjs) and resolves with its memoryUsage() and VmRSS. */
    async collectGarbage() {
      const seen = lines.length;
      child.kill('SIGUSR2');
      for (let waited = 0; waited < 10_000; waited += 20) {
        const line = lines.slice(seen).find((candidate) => candidate.includes('"bench.gc"'));
        if (line) {
          const usage = JSON.parse(line);
          if (!usage.exposed) throw new Error(`${target.label}: gc() is not exposed`);
          return { ...usage, vmRssKiB: rssKiB(child.pid) };
        }
        await sleep(20);
      }
      throw new Error(`${target.label} did not answer SIGUSR2 with its memory use`);
    },
    async stop() {
      if (exited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const status = await exit;
      clearTimeout(timer);
      return status;
    },
  };
  // Generous: on a shared machine under load a cold start of the server can take tens of seconds.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`${target.label} exited at start (${JSON.stringify(exited)}):\n${lines.join('\n')}`);
    try {
      if ((await httpJson(url, 'GET', '/healthz', undefined, undefined, 2_000)).status === 200) return target;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await target.stop();
      throw new Error(`${target.label} did not answer /healthz within 120 s:\n${lines.join('\n')}`);
    }
    await sleep(100);
  }
}

export { BARE, CIPHERNEST };
