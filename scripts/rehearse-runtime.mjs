// Rehearses the runtime stage of docker/Dockerfile without Docker: the production dependencies
// installed from the lockfile into a clean folder with package.json and dist/ only, the server
// run from there as an unprivileged user that cannot write to its own files, /healthz and the
// image's health checks (livez, readyz) answered, SIGTERM ending it with status 0. Prints the footprint.
//
//   node scripts/rehearse-runtime.mjs [--json] [--keep] [--user NAME]
//
// Needs a built server (npm run build:server; the web app is served if built) and npm's cache
// (npm ci --offline; it falls back to --prefer-offline when the cache lacks metadata).
// As root it runs the server as `nobody` (or --user); as anyone else, as that user.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node scripts/rehearse-runtime.mjs [--json] [--keep] [--user NAME]';

function readOptions() {
  try {
    return parseArgs({
      options: { json: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, user: { type: 'string', default: 'nobody' } },
    }).values;
  } catch (error) {
    process.stderr.write(`rehearse-runtime: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

const { json: asJson, keep, user: userName } = readOptions();
/** Packages that belong to the build only: none may reach the runtime stage. */
const DEV_ONLY = ['typescript', '@nestjs/cli', 'jest', '@angular/core', '@angular/cli', 'socket.io-client', 'eslint', 'ts-jest', 'playwright-core'];

const report = { ok: false, steps: [] };

function step(name, detail) {
  report.steps.push({ name, ...detail });
  if (!asJson) process.stdout.write(`rehearse-runtime: ${name}${detail?.note ? ` (${detail.note})` : ''}\n`);
}

function fail(message) {
  report.error = message;
  finish(1);
}

let workDir;
function finish(code) {
  if (workDir && !keep) rmSync(workDir, { recursive: true, force: true });
  if (asJson) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (report.error) process.stderr.write(`rehearse-runtime: FAILED: ${report.error}\n`);
  else {
    const { nodeModules, dist } = report;
    process.stdout.write(
      `rehearse-runtime: OK. Production node_modules: ${nodeModules.megabytes} MB in ${nodeModules.files} files (${nodeModules.diskMegabytes} MB on disk); dist/: ${dist.megabytes} MB\n`,
    );
  }
  process.exit(code);
}

/** uid and gid of a local user, from /etc/passwd. */
function lookupUser(name) {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.split(':')[0] === name);
  if (!line) fail(`no user "${name}" in /etc/passwd`);
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/** Apparent size, disk usage, file count and top-level package count of a tree. */
function measure(dir) {
  let bytes = 0;
  let blocks = 0;
  let files = 0;
  const walk = (path) => {
    const stat = lstatSync(path);
    blocks += stat.blocks;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else {
      bytes += stat.size;
      files += 1;
    }
  };
  walk(dir);
  const packages = readdirSync(dir)
    .filter((entry) => !entry.startsWith('.') && lstatSync(join(dir, entry)).isDirectory())
    .flatMap((entry) => (entry.startsWith('@') ? readdirSync(join(dir, entry)).map((inner) => `${entry}/${inner}`) : [entry]));
  return { bytes, megabytes: Number((bytes / 1e6).toFixed(1)), diskMegabytes: Number(((blocks * 512) / 1e6).toFixed(1)), files, packages: packages.length };
}

function fetchText(port, path) {
  return new Promise((resolveFetch, rejectFetch) => {
    get({ host: '127.0.0.1', port, path, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolveFetch({ status: res.statusCode, type: res.headers['content-type'], body }));
    }).on('error', rejectFetch);
  });
}

/** The effective uid of a process, from /proc. */
function processUid(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[2]);
}

async function main() {
  const entry = join(root, 'dist', 'apps', 'server', 'main.js');
  if (!existsSync(entry)) fail('dist/apps/server/main.js is missing: run npm run build:server first');

  // 1. The runtime stage's files: package.json, the lockfile, dist/, the health check.
  workDir = mkdtempSync(join(tmpdir(), 'ciphernest-runtime-'));
  const app = join(workDir, 'app');
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(app, file));
  cpSync(join(root, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(root, 'docker', 'healthcheck.cjs'), join(app, 'docker', 'healthcheck.cjs'));
  report.dist = measure(join(app, 'dist'));
  step('copied package.json, package-lock.json, dist/ and docker/healthcheck.cjs', { dir: app, note: `dist/ ${report.dist.megabytes} MB` });

  // 2. Production dependencies only, from the lockfile, no install scripts.
  const install = (mode) => {
    const started = Date.now();
    const result = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', mode], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
    return { status: result.status, output: `${result.stdout}${result.stderr}`, seconds: Number(((Date.now() - started) / 1000).toFixed(1)) };
  };
  let installed = install('--offline');
  let mode = '--offline';
  if (installed.status !== 0) {
    mode = '--prefer-offline';
    step('npm ci --offline could not work from the cache alone; trying --prefer-offline', { note: installed.output.split('\n').find((line) => line.includes('ENOTCACHED') || line.includes('error')) });
    installed = install(mode);
  }
  if (installed.status !== 0) fail(`npm ci --omit=dev failed:\n${installed.output}`);
  report.install = { mode, seconds: installed.seconds };
  report.nodeModules = measure(join(app, 'node_modules'));
  const devPresent = DEV_ONLY.filter((name) => existsSync(join(app, 'node_modules', name)));
  report.devDependenciesPresent = devPresent;
  if (devPresent.length > 0) fail(`development packages reached the runtime: ${devPresent.join(', ')}`);
  step(`npm ci --omit=dev --ignore-scripts ${mode}`, { note: `${installed.seconds} s, ${report.nodeModules.megabytes} MB` });

  // 3. Readable by everyone, writable by root only, as the image's files are for its user.
  chmodSync(workDir, 0o755);
  spawnSync('chmod', ['-R', 'u+rwX,go+rX,go-w', app]);

  // 4. The server, as an unprivileged user, from the clean folder.
  const isRoot = process.getuid?.() === 0;
  const user = isRoot ? lookupUser(userName) : { name: process.env.USER ?? 'current user', uid: process.getuid(), gid: process.getgid() };
  if (user.uid === 0) fail('refusing to rehearse as root: pass --user with an unprivileged user');
  report.user = user;
  const env = { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', LOG_LEVEL: 'info', HOME: '/nonexistent' };
  const asUser = isRoot ? { uid: user.uid, gid: user.gid } : {};
  const server = spawn(process.execPath, ['dist/apps/server/main.js'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
  let output = '';
  server.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  server.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolveExit) => server.once('exit', (code, signal) => resolveExit({ code, signal })));
  const killLater = (ms) => setTimeout(() => server.kill('SIGKILL'), ms);

  const port = await new Promise((resolvePort) => {
    const timer = setTimeout(() => resolvePort(undefined), 20_000);
    const look = () => {
      for (const line of output.split('\n')) {
        try {
          const record = JSON.parse(line);
          if (record.event === 'server.started') {
            clearTimeout(timer);
            resolvePort(record.port);
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    };
    server.stdout.on('data', look);
    exited.then(() => resolvePort(undefined));
  });
  if (!port) {
    server.kill('SIGKILL');
    fail(`the server did not start:\n${output}`);
  }
  report.uid = processUid(server.pid);
  if (report.uid !== user.uid) fail(`the server runs as uid ${report.uid}, not ${user.uid}`);
  step(`server started as ${user.name} (uid ${report.uid}) on 127.0.0.1:${port}`);

  // 5. What the image's users and its HEALTHCHECK see.
  const health = await fetchText(port, '/healthz');
  report.healthz = { status: health.status, body: health.body };
  if (health.status !== 200 || JSON.parse(health.body).status !== 'ok') fail(`/healthz answered ${health.status}: ${health.body}`);
  step('/healthz answered 200 {"status":"ok"}');
  const hasWeb = existsSync(join(app, 'dist', 'apps', 'web', 'browser', 'index.html'));
  if (hasWeb) {
    const page = await fetchText(port, '/');
    report.webApp = { status: page.status, type: page.type };
    if (page.status !== 200 || !/^text\/html/.test(page.type ?? '')) fail(`GET / answered ${page.status} ${page.type}`);
    step('the web app is served at /');
  } else {
    report.webApp = 'not built';
    step('the web app is not built: only the API was checked');
  }
  const check = spawnSync(process.execPath, ['docker/healthcheck.cjs', 'livez'], { cwd: app, env: { ...env, PORT: String(port) }, encoding: 'utf8', ...asUser });
  report.healthcheck = check.status;
  if (check.status !== 0) fail(`docker/healthcheck.cjs livez exited ${check.status}: ${check.stdout}${check.stderr}`);
  step('docker/healthcheck.cjs livez (the image HEALTHCHECK) exited 0');
  const ready = spawnSync(process.execPath, ['docker/healthcheck.cjs', 'readyz'], { cwd: app, env: { ...env, PORT: String(port) }, encoding: 'utf8', ...asUser });
  report.readiness = ready.status;
  if (ready.status !== 0) fail(`docker/healthcheck.cjs readyz exited ${ready.status}: ${ready.stdout}${ready.stderr}`);
  step("docker/healthcheck.cjs readyz (compose.yaml's health check) exited 0");
  const write = spawnSync(process.execPath, ['-e', "require('fs').writeFileSync('dist/probe', 'x')"], { cwd: app, env, encoding: 'utf8', ...asUser });
  report.appFilesWritable = write.status === 0;
  if (write.status === 0) fail(`${user.name} can write to the app's files; the image would not allow it`);
  step(`${user.name} cannot write to the app's files, and the server does not need to`);

  // 6. SIGTERM, as docker stop sends it.
  const stopping = Date.now();
  const late = killLater(10_000);
  server.kill('SIGTERM');
  const status = await exited;
  clearTimeout(late);
  report.exit = { ...status, milliseconds: Date.now() - stopping };
  if (status.code !== 0) fail(`SIGTERM ended the server with ${JSON.stringify(status)}:\n${output}`);
  step(`SIGTERM: exited 0 in ${report.exit.milliseconds} ms`);
  report.ok = true;
  finish(0);
}

main().catch((error) => fail(error.stack ?? String(error)));
