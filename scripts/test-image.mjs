#!/usr/bin/env node
// `npm run test:image`: builds docker/Dockerfile with podman and proves the image and the compose
// stacks work, with real clients:
//   1. the image: built (base images from Debian's packages, or the official ones), its user,
//      health check and entrypoint as declared;
//   2. the image alone: run read-only as its non-root user, /livez and /readyz, the HEALTHCHECK
//      (`podman healthcheck run`), SIGTERM exits 0;
//   3. docker/compose.yaml: the app behind nginx with TLS; a room, two Socket.IO members over
//      wss:// exchanging messages, X-Request-ID in the answer, in nginx's log and in the app's;
//   4. + docker/compose.scale.yaml: Redis and two app replicas; a chat through nginx, then the
//      replica holding it is stopped and the members carry on on the other one.
// Everything it creates (containers, networks, the app image, base images it had to make) is
// removed at the end unless --keep. Exit status 0 when every step passed.
//
//   node scripts/test-image.mjs [--base debian|official] [--keep] [--only image|compose|scale] [--image NAME]
//
// --base debian (default): no registry is needed; base images are made with mmdebstrap from the
// Debian mirror of DEBIAN_MIRROR (http://deb.debian.org/debian) and `podman import`ed, once.
// --base official: node:20.20-bookworm-slim, nginx:1.28-bookworm and redis:7-bookworm, pulled.
// Needs podman, mmdebstrap (--base debian) and openssl; no build of the tree (the image builds
// itself). CONTAINERS_CONF defaults to docker/podman/containers.conf.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { freePort } from '../bench/lib/targets.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: 'debian' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true, default: [] },
    image: { type: 'string' },
  },
});
if (!['debian', 'official'].includes(args.base)) throw new Error('--base is debian or official');
const wants = (step) => args.only.length === 0 || args.only.includes(step);

const TAG = `t${randomBytes(3).toString('hex')}`;
/** --image: test an image built before (it is left alone), instead of building one. */
const APP_IMAGE = args.image ?? `localhost/ciphernest:image-test-${TAG}`;
const PROJECT = `cnimg${TAG}`;
const MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const DEBIAN_BASES = {
  build: { image: 'localhost/ciphernest-base-build:trixie', packages: 'nodejs,npm,ca-certificates,tini,passwd', cmd: '["/bin/bash"]' },
  runtime: { image: 'localhost/ciphernest-base-runtime:trixie', packages: 'nodejs,ca-certificates,tini,passwd', cmd: '["/bin/bash"]' },
  services: {
    image: 'localhost/ciphernest-services:trixie',
    packages: 'nginx,redis-server,redis-tools,ca-certificates',
    hook: 'rm -f "$1"/etc/nginx/sites-enabled/default',
    cmd: '["nginx", "-g", "daemon off;"]',
  },
};
const OFFICIAL = { node: 'node:20.20-bookworm-slim', nginx: 'nginx:1.28-bookworm', redis: 'redis:7-bookworm' };
/** The host's CA bundle, mounted into builds so that npm reaches its registry through an intercepting proxy too. */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

const env = { ...process.env, CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? join(ROOT, 'docker', 'podman', 'containers.conf') };
const created = { images: [], containers: [], networks: [] };
const work = mkdtempSync(join(tmpdir(), 'ciphernest-image-'));
const started = Date.now();
let failures = 0;

function say(text) {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${seconds}s] ${text}\n`);
}

function check(ok, what, detail = '') {
  say(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures += 1;
  return ok;
}

/** Runs a command, returns its output; throws with the output on a non-zero exit. */
function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: options.timeout ?? 600_000, cwd: options.cwd ?? ROOT, input: options.input });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${commandArgs.join(' ')} exited ${result.status ?? result.signal}:\n${output.split('\n').slice(-40).join('\n')}`);
  }
  return { status: result.status, stdout: result.stdout ?? '', output };
}

const podman = (podmanArgs, options) => run('podman', podmanArgs, options);

/**
 * podman without blocking this process: its Socket.IO members must keep answering (a stopping
 * server closes their WebSockets and waits for their close frames), which a synchronous call
 * would stall until the server's stop deadline.
 */
function podmanAsync(podmanArgs) {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn('podman', podmanArgs, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', rejectRun);
    child.on('close', (status) => (status === 0 ? resolveRun(output) : rejectRun(new Error(`podman ${podmanArgs.join(' ')} exited ${status}:\n${output}`))));
  });
}

function imageExists(image) {
  return podman(['image', 'exists', image], { allowFailure: true }).status === 0;
}


/** One HTTP(S) request; resolves with status, headers and the body as text. */
function fetchText(url, { method = 'GET', body, ca, headers = {} } = {}) {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolveAnswer, rejectAnswer) => {
    const req = send(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, ca, servername: 'localhost', agent: false, timeout: 10_000, headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolveAnswer({ status: res.statusCode, headers: res.headers, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', rejectAnswer);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function waitFor(what, condition, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return true;
    } catch (error) {
      last = error;
    }
    await sleep(500);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${last.message})` : ''}`);
}

// ---- base images ----

function makeDebianBase({ image, packages, hook, cmd }) {
  if (imageExists(image)) {
    say(`base image ${image} is there`);
    return;
  }
  say(`making ${image} from Debian's packages (${packages}) with mmdebstrap ...`);
  const tar = join(work, `${image.replace(/\W+/g, '_')}.tar`);
  const hookArgs = hook ? [`--customize-hook=${hook}`] : [];
  run('mmdebstrap', ['--variant=minbase', `--include=${packages}`, ...hookArgs, 'trixie', tar, MIRROR], { timeout: 1_200_000 });
  podman(['import', '--change', `CMD ${cmd}`, tar, image]);
  rmSync(tar, { force: true });
  created.images.push(image);
  say(`made ${image}`);
}

function bases() {
  if (args.base === 'official') return { node: OFFICIAL.node, runtime: OFFICIAL.node, nginx: OFFICIAL.nginx, redis: OFFICIAL.redis };
  for (const base of Object.values(DEBIAN_BASES)) makeDebianBase(base);
  return { node: DEBIAN_BASES.build.image, runtime: DEBIAN_BASES.runtime.image, nginx: DEBIAN_BASES.services.image, redis: DEBIAN_BASES.services.image };
}

// ---- 1. the image ----

function buildImage(base) {
  if (args.image) return inspectImage();
  say(`podman build (NODE_IMAGE=${base.node}, RUNTIME_IMAGE=${base.runtime}) ...`);
  const mounts = existsSync(CA_BUNDLE) ? ['-v', `${CA_BUNDLE}:${CA_BUNDLE}:ro`] : [];
  const buildArgs = ['--build-arg', `NODE_IMAGE=${base.node}`, '--build-arg', `RUNTIME_IMAGE=${base.runtime}`];
  // Docker's format: the default OCI format drops HEALTHCHECK.
  podman(['build', '--format', 'docker', '--ignorefile', 'docker/Dockerfile.dockerignore', ...mounts, ...buildArgs, '-f', 'docker/Dockerfile', '-t', APP_IMAGE, '.'], { timeout: 3_600_000 });
  created.images.push(APP_IMAGE);
  inspectImage();
}

function inspectImage() {
  const [inspected] = JSON.parse(podman(['image', 'inspect', APP_IMAGE]).stdout);
  const config = inspected.Config;
  say(`built ${APP_IMAGE}: ${(inspected.Size / 1e6).toFixed(0)} MB`);
  check(config.User === 'node', 'the image runs as user node', config.User);
  check(JSON.stringify(config.Entrypoint) === JSON.stringify(['/usr/bin/tini', '--']), 'its entrypoint is tini', JSON.stringify(config.Entrypoint));
  // podman keeps a Docker-format image's health check beside its Config.
  const healthcheck = inspected.Healthcheck ?? config.Healthcheck;
  check(JSON.stringify(healthcheck?.Test) === JSON.stringify(['CMD', 'node', 'docker/healthcheck.cjs', 'livez']), 'its HEALTHCHECK asks /livez', JSON.stringify(healthcheck?.Test));
}

// ---- 2. the image alone ----

async function runAlone() {
  const port = await freePort();
  const name = `${PROJECT}-alone`;
  say(`podman run ${name} (read-only, no capabilities, 127.0.0.1:${port}) ...`);
  podman(['run', '-d', '--name', name, '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '-p', `127.0.0.1:${port}:3000`, '-e', `PUBLIC_ORIGIN=http://127.0.0.1:${port}`, APP_IMAGE]);
  created.containers.push(name);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('/livez through the published port', async () => (await fetchText(`${url}/livez`)).status === 200);
  const live = await fetchText(`${url}/livez`);
  const ready = await fetchText(`${url}/readyz`);
  check(live.status === 200 && live.text === '{"status":"ok"}', 'GET /livez', `${live.status} ${live.text}`);
  check(ready.status === 200 && ready.text === '{"status":"ok"}', 'GET /readyz', `${ready.status} ${ready.text}`);
  check(/^[0-9a-f-]{36}$/.test(String(live.headers['x-request-id'])), 'answers carry an X-Request-ID', String(live.headers['x-request-id']));
  const users = podman(['top', name, 'user', 'comm']).stdout.trim();
  const rows = users.split('\n').slice(1).map((line) => line.trim().split(/\s+/));
  check(rows.length >= 2 && rows.every(([user]) => user === 'node'), 'tini and node run as node, not root', users.replace(/\n/g, ' | '));
  const uid = podman(['exec', name, 'id', '-u']).stdout.trim();
  check(uid === '1000', 'its uid is 1000', uid);
  const write = podman(['exec', name, 'sh', '-c', 'touch /app/dist/probe'], { allowFailure: true });
  check(write.status !== 0, 'it cannot write to its own files (read-only root)', write.output.trim());
  const health = podman(['healthcheck', 'run', name], { allowFailure: true });
  check(health.status === 0, 'podman healthcheck run (the HEALTHCHECK, /livez)', `exit ${health.status} ${health.output.trim()}`);
  const readiness = podman(['exec', name, 'node', 'docker/healthcheck.cjs', 'readyz'], { allowFailure: true });
  check(readiness.status === 0, 'node docker/healthcheck.cjs readyz', `exit ${readiness.status}`);
  // Two members still connected when the container is stopped, as `docker stop` finds them.
  const session = await chat({ origin: url, label: 'the image alone', keepOpen: true });
  const ended = session ? Promise.all([session.alice, session.bob].map(({ socket }) => new Promise((resolveEnd) => socket.once('session:end', resolveEnd)))) : Promise.resolve([]);
  const stopAt = Date.now();
  await podmanAsync(['stop', '-t', '15', name]);
  const seconds = (Date.now() - stopAt) / 1000;
  const reasons = await Promise.race([ended, sleep(5_000).then(() => 'none')]);
  check(JSON.stringify(reasons) === JSON.stringify([{ reason: 'shutdown' }, { reason: 'shutdown' }]), 'both members heard session:end { reason: "shutdown" }', JSON.stringify(reasons));
  for (const { socket } of session ? [session.alice, session.bob] : []) socket.close();
  const [state] = JSON.parse(podman(['inspect', name]).stdout);
  check(state.State.ExitCode === 0 && seconds < 10, 'SIGTERM (podman stop): exit 0 within 10 s', `exit ${state.State.ExitCode} in ${seconds.toFixed(1)} s`);
  const events = podman(['logs', name]).output.split('\n').map((line) => /"event":"([^"]+)"/.exec(line)?.[1]).filter(Boolean);
  check(events.includes('server.stopping') && events.indexOf('server.stopping') < events.indexOf('server.stopped'), 'its log says server.stopping, then server.stopped (a clean stop)', events.slice(-3).join(', '));
}

// ---- chat: a room, two members, messages both ways ----

function member(origin, token, ca) {
  const socket = io(`${origin}/chat`, { path: '/socket.io', transports: ['websocket'], auth: { token, resume: 0 }, ca, extraHeaders: { Origin: origin }, reconnectionDelay: 200, reconnectionDelayMax: 1000, forceNew: true });
  const seen = { messages: [], events: [] };
  socket.onAny((event, payload) => {
    seen.events.push(event);
    if (event === 'message') seen.messages.push(payload);
  });
  // A stopping process closes its sockets ("io server disconnect"), which Socket.IO does not
  // reconnect by itself; the web app does (ReconnectBackoff), and so does this member.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 250);
  });
  return { socket, seen };
}

async function chat({ origin, ca, label, keepOpen = false }) {
  const room = `Image test ${randomBytes(3).toString('hex')}`;
  const verifier = randomBytes(32).toString('base64url');
  const kdf = { alg: 'argon2id', m: 19456, t: 2, p: 1, salt: randomBytes(16).toString('base64url') };
  const created = await fetchText(`${origin}/api/rooms`, { method: 'POST', body: { room, username: 'alice', verifier, kdf }, ca, headers: { Origin: origin } });
  const joined = await fetchText(`${origin}/api/rooms/${encodeURIComponent(room)}/sessions`, { method: 'POST', body: { username: 'bob', verifier }, ca, headers: { Origin: origin } });
  if (!check(created.status === 201 && joined.status === 201, `${label}: create a room and join it over HTTP`, `${created.status} ${joined.status}`)) return undefined;
  const alice = member(origin, JSON.parse(created.text).token, ca);
  const bob = member(origin, JSON.parse(joined.text).token, ca);
  await waitFor(`${label}: both members connected`, () => alice.seen.events.includes('presence') && bob.seen.events.includes('presence'), 30_000);
  const exchange = async (from, to, tag) => {
    const id = `${tag}${randomBytes(12).toString('base64url')}`;
    const ack = await from.socket.timeout(15_000).emitWithAck('message', { id, box: randomBytes(256) });
    await waitFor(`${label}: message ${tag} delivered`, () => to.seen.messages.some((message) => message.id === id), 15_000);
    return ack.ok === true;
  };
  const okAB = await exchange(alice, bob, 'ab');
  const okBA = await exchange(bob, alice, 'ba');
  check(okAB && okBA, `${label}: alice and bob exchange messages over WebSocket (acked, relayed)`);
  if (keepOpen) return { alice, bob, exchange };
  alice.socket.close();
  bob.socket.close();
  return undefined;
}

// ---- 3 and 4. compose ----

function renderNginx(origin, dir) {
  const result = spawnSync(process.execPath, [join(ROOT, 'docker', 'scripts', 'render-nginx-config.mjs')], {
    encoding: 'utf8',
    env: {
      ...process.env,
      CIPHERNEST_PUBLIC_ORIGIN: origin,
      // Debian's nginx predates `resolve` (1.27.3): the replicas' addresses are read at start.
      CIPHERNEST_UPSTREAM: 'app:3000',
      CIPHERNEST_TLS_CERT: '/etc/nginx/certs/cert.pem',
      CIPHERNEST_TLS_KEY: '/etc/nginx/certs/key.pem',
      CIPHERNEST_DHPARAM: '/etc/nginx/ffdhe2048.pem',
      CIPHERNEST_ACCESS_LOG: '/var/log/nginx/access.log',
    },
  });
  if (result.status !== 0) throw new Error(`render-nginx-config: ${result.stderr}`);
  const file = join(dir, 'ciphernest.conf');
  writeFileSync(file, result.stdout);
  return file;
}

// Debian's podman-compose 1.0.3 cannot run these files as they are (measured here): a service's
// `networks: { ciphernest: { ipv4_address } }` stops it with KeyError: "ciphernest={'ipv4_address':
// '172.30.0.10'}", it ignores a network's `ipam` (subnet, ip_range), and it passes
// `${METRICS_TOKEN:-}` on literally instead of as an empty value. So the stacks are run here with
// podman itself, from the compose files' own settings, as compose would (the subset they use).

/** ${NAME}, ${NAME:-default}, ${NAME:?message} and $$, as compose substitutes them. */
function substitute(value, vars) {
  if (typeof value !== 'string') return value;
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (whole, name, kind, rest) => {
    if (whole === '$$') return '$';
    const given = vars[name];
    if (kind === '-') return given === undefined || given === '' ? rest : given;
    if (kind === '?' && (given === undefined || given === '')) throw new Error(`compose: ${name}: ${rest}`);
    return given ?? '';
  });
}

function deepSubstitute(value, vars) {
  if (Array.isArray(value)) return value.map((item) => deepSubstitute(item, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deepSubstitute(item, vars)]));
  return substitute(value, vars);
}

/** compose's merge of an override: maps merge, `volumes` lists add up, anything else is replaced. */
function mergeService(base = {}, over = {}) {
  const merged = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (key === 'volumes') merged.volumes = [...(base.volumes ?? []), ...value];
    else if (value && typeof value === 'object' && !Array.isArray(value) && base[key] && typeof base[key] === 'object' && !Array.isArray(base[key])) merged[key] = { ...base[key], ...value };
    else merged[key] = value;
  }
  return merged;
}

async function loadCompose(files, vars) {
  const { load } = (await import('js-yaml')).default;
  const project = { services: {}, networks: {} };
  for (const { file, doc } of files.map((file) => ({ file, doc: typeof file === 'string' ? load(readFileSync(file, 'utf8')) : file }))) {
    void file;
    const resolved = deepSubstitute(doc, vars);
    for (const [name, service] of Object.entries(resolved.services ?? {})) project.services[name] = mergeService(project.services[name], service);
    Object.assign(project.networks, resolved.networks ?? {});
  }
  return project;
}

function duration(text) {
  const match = /^(\d+)(ms|s|m)$/.exec(String(text ?? ''));
  return match ? `${match[1]}${match[2]}` : undefined;
}

/** The `podman run` arguments of one container of `service`, as compose would make them. */
function runArgs(name, serviceName, service, network, composeDir) {
  const argv = ['run', '-d', '--name', name, '--network', network, '--network-alias', serviceName];
  const nets = service.networks && !Array.isArray(service.networks) ? Object.values(service.networks) : [];
  for (const net of nets) if (net?.ipv4_address) argv.push('--ip', net.ipv4_address);
  for (const [key, value] of Object.entries(service.environment ?? {})) argv.push('-e', `${key}=${value ?? ''}`);
  if (service.read_only) argv.push('--read-only');
  for (const tmpfs of service.tmpfs ?? []) argv.push('--tmpfs', tmpfs);
  for (const cap of service.cap_drop ?? []) argv.push('--cap-drop', cap);
  for (const option of service.security_opt ?? []) argv.push('--security-opt', option);
  if (service.user) argv.push('--user', service.user);
  for (const port of service.ports ?? []) argv.push('-p', port);
  for (const volume of service.volumes ?? []) {
    const [source, ...rest] = volume.split(':');
    argv.push('-v', [source.startsWith('.') ? resolve(composeDir, source) : source, ...rest].join(':'));
  }
  const test = service.healthcheck?.test;
  if (Array.isArray(test) && test[0] === 'CMD-SHELL') {
    argv.push('--health-cmd', test[1]);
    for (const [option, key] of [['--health-interval', 'interval'], ['--health-timeout', 'timeout'], ['--health-start-period', 'start_period']]) {
      if (duration(service.healthcheck[key])) argv.push(option, duration(service.healthcheck[key]));
    }
    if (service.healthcheck.retries) argv.push('--health-retries', String(service.healthcheck.retries));
  }
  const grace = /^(\d+)s$/.exec(String(service.stop_grace_period ?? ''));
  if (grace) argv.push('--stop-timeout', grace[1]);
  argv.push(service.image);
  if (Array.isArray(service.command)) argv.push(...service.command);
  return argv;
}

/**
 * What this machine needs on top of the compose files: the images made here, and, with Debian's
 * nginx (no envsubst templates, no `resolve` before 1.27.3), the site rendered by
 * render-nginx-config.mjs as compose would, mounted in conf.d.
 */
function override(base, dir, scaled, origin) {
  const services = { app: { image: APP_IMAGE }, proxy: { image: base.nginx } };
  if (args.base === 'debian') {
    // compose.yaml mounts the certificates and ffdhe2048.pem already; only the site is added.
    services.proxy.command = ['nginx', '-g', 'daemon off;'];
    services.proxy.volumes = [`${renderNginx(origin, dir)}:/etc/nginx/conf.d/ciphernest.conf:ro`];
  }
  if (scaled) services.redis = { image: base.redis };
  return { services };
}

/** Starts a stack: its network (with compose's ipam), then redis, the app replicas (waiting until healthy, as depends_on says), nginx. */
async function up(project, replicas) {
  const network = `${PROJECT}_ciphernest`;
  const ipam = project.networks.ciphernest?.ipam?.config?.[0] ?? {};
  podman(['network', 'create', ...(ipam.subnet ? ['--subnet', ipam.subnet] : []), ...(ipam.ip_range ? ['--ip-range', ipam.ip_range] : []), network]);
  created.networks.push(network);
  const started = {};
  for (const serviceName of ['redis', 'app', 'proxy']) {
    const service = project.services[serviceName];
    if (!service) continue;
    const count = serviceName === 'app' ? replicas : 1;
    started[serviceName] = [];
    for (let index = 1; index <= count; index += 1) {
      const name = `${PROJECT}_${serviceName}_${index}`;
      podman(runArgs(name, serviceName, service, network, join(ROOT, 'docker')));
      created.containers.push(name);
      started[serviceName].push(name);
    }
    // depends_on: condition: service_healthy. Health checks run only when asked here (no systemd).
    for (const name of started[serviceName]) {
      if (service.healthcheck) await waitFor(`${name} healthy`, () => podman(['healthcheck', 'run', name], { allowFailure: true }).status === 0, 90_000);
    }
  }
  return { network, containers: started };
}

function down(stack) {
  for (const names of Object.values(stack.containers).reverse()) for (const name of names) podman(['rm', '-f', '-t', '10', name], { allowFailure: true });
  podman(['network', 'rm', '-f', stack.network], { allowFailure: true });
  created.containers = created.containers.filter((name) => !Object.values(stack.containers).flat().includes(name));
  created.networks = created.networks.filter((name) => name !== stack.network);
}

async function composeStack(base, scaled) {
  const label = scaled ? 'compose + compose.scale (Redis, two app replicas)' : 'compose (app + nginx with TLS)';
  const dir = mkdtempSync(join(work, scaled ? 'scale-' : 'compose-'));
  run('bash', [join(ROOT, 'docker', 'scripts', 'generate-cert.sh'), join(dir, 'certs'), 'localhost', '127.0.0.1']);
  const ca = readFileSync(join(dir, 'certs', 'ca.pem'));
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const origin = `https://127.0.0.1:${httpsPort}`;
  const vars = {
    PUBLIC_ORIGIN: origin,
    HTTP_PORT: String(httpPort),
    HTTPS_PORT: String(httpsPort),
    CERT_DIR: join(dir, 'certs'),
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    REDIS_PASSWORD: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
  };
  const files = [join(ROOT, 'docker', 'compose.yaml'), ...(scaled ? [join(ROOT, 'docker', 'compose.scale.yaml')] : []), override(base, dir, scaled, origin)];
  const project = await loadCompose(files, vars);
  say(`${label}: starting (podman, from the compose files' settings) ...`);
  const stack = await up(project, scaled ? 2 : 1);
  try {
    const apps = stack.containers.app;
    for (const app of apps) {
      const ready = podman(['exec', app, 'node', 'docker/healthcheck.cjs', 'readyz'], { allowFailure: true });
      check(ready.status === 0, `${label}: ${app} healthy (compose's readyz check) and ready`);
    }
    const env = podman(['exec', apps[0], 'printenv', 'METRICS_TOKEN'], { allowFailure: true });
    check(env.stdout.trim() === '', `${label}: METRICS_TOKEN left empty (so /metrics is off)`, JSON.stringify(env.stdout.trim()));
    await waitFor(`${label}: nginx answers`, async () => (await fetchText(`${origin}/livez`, { ca })).status === 200, 60_000);
    const redirect = await fetchText(`http://127.0.0.1:${httpPort}/x`);
    check(redirect.status === 301 && redirect.headers.location === `${origin}/x`, `${label}: plain HTTP is redirected to ${origin}`, `${redirect.status} ${redirect.headers.location}`);
    const refused = await fetchText(`${origin}/api/rooms/nowhere/kdf`, { ca, headers: { Origin: origin } });
    const id = String(refused.headers['x-request-id']);
    check(refused.status === 404 && /^[0-9a-f]{32}$/.test(id) && JSON.parse(refused.text).requestId === id, `${label}: nginx's X-Request-ID in the answer and the error body`, id);
    await sleep(1_000);
    const appLogs = apps.map((app) => podman(['logs', app]).output).join('\n');
    const logged = appLogs.split('\n').find((line) => line.includes(`"reqId":"${id}"`)) ?? '';
    check(logged.includes('"event":"http.request"'), `${label}: the app logged that request id`, logged.slice(0, 160));
    const ip = /"ip":"([^"]+)"/.exec(logged)?.[1];
    const proxyAddress = Object.values(project.services.proxy.networks ?? {})[0]?.ipv4_address;
    check(ip !== undefined && ip !== proxyAddress, `${label}: the app logged the client's address as nginx saw it, not nginx's own (${proxyAddress}, its TRUST_PROXY)`, ip);
    const proxy = stack.containers.proxy[0];
    const accessLog = podman(['exec', proxy, 'cat', '/var/log/nginx/access.log'], { allowFailure: true }).output;
    check(accessLog.includes(`"reqId":"${id}"`), `${label}: nginx logged it`);
    const session = await chat({ origin, ca, label, keepOpen: scaled });
    if (scaled && session) {
      // Which replica holds the members: the one that logged their socket.connected.
      const holder = apps.find((app) => podman(['logs', app]).output.includes('"event":"socket.connected"'));
      const other = apps.find((app) => app !== holder);
      say(`${label}: stopping ${holder}, which holds the members (SIGTERM) ...`);
      await podmanAsync(['stop', '-t', '15', holder]);
      try {
        await waitFor('both members back on the other replica', () => podman(['logs', other]).output.match(/"arrival":"back"/g)?.length >= 2, 60_000);
      } catch (error) {
        const tail = (text) => text.split('\n').filter(Boolean).slice(-8).map((line) => `    ${line.slice(0, 220)}`).join('\n');
        say(`diagnostics: ${other}:\n${tail(podman(['logs', other]).output)}\n  nginx errors:\n${tail(podman(['exec', stack.containers.proxy[0], 'cat', '/var/log/nginx/error.log'], { allowFailure: true }).output)}\n  members saw: ${session.alice.seen.events.slice(-6).join(', ')} | ${session.bob.seen.events.slice(-6).join(', ')}`);
        throw error;
      }
      const ok = (await session.exchange(session.alice, session.bob, 'ac')) && (await session.exchange(session.bob, session.alice, 'ca'));
      check(ok, `${label}: after ${holder} stopped, the members carry on through ${other}, the room still there (arrival: back)`);
      session.alice.socket.close();
      session.bob.socket.close();
    }
  } finally {
    say(`${label}: removing it ...`);
    down(stack);
  }
}

// ---- clean-up ----

function cleanUp() {
  if (args.keep) {
    say(`--keep: left ${[...created.containers, ...created.images].join(', ') || 'nothing'}`);
    return;
  }
  for (const name of created.containers) podman(['rm', '-f', name], { allowFailure: true });
  for (const network of created.networks) podman(['network', 'rm', '-f', network], { allowFailure: true });
  for (const image of created.images.reverse()) podman(['rmi', '-f', image], { allowFailure: true });
  // Intermediate layers of the build stages, untagged once the image is gone.
  podman(['image', 'prune', '-f'], { allowFailure: true });
  rmSync(work, { recursive: true, force: true });
  say('removed what this run created');
}

async function main() {
  say(`podman: ${run('podman', ['--version']).stdout.trim()}; CONTAINERS_CONF=${env.CONTAINERS_CONF}; bases: ${args.base}`);
  try {
    const base = bases();
    buildImage(base);
    if (wants('image')) await runAlone();
    if (wants('compose')) await composeStack(base, false);
    if (wants('scale')) await composeStack(base, true);
  } catch (error) {
    failures += 1;
    say(`FAIL ${error.stack ?? error}`);
  } finally {
    cleanUp();
  }
  say(failures === 0 ? 'PASS: the image and the compose stacks work' : `FAILED: ${failures} check(s)`);
  process.exit(failures === 0 ? 0 : 1);
}

await main();
