// `npm run bench [-- --quick] [-- --only=fanout,idle,large,storm,churn,crypto,scale] [-- --workers=N]
//                [-- --json=FILE] [-- --cpu-prof=DIR] [-- --env=NAME=value,...]`
//
// Drives the same load at the built CipherNest server (dist/) and at a bare Socket.IO relay
// (bench/bare-relay.mjs), alternating targets, and prints every figure with its ratio to the
// bare relay and PASS/MISS against the targets of DESIGN.md "Quality targets". Figures, not a
// test: the exit code is 0 unless the harness itself fails. docs/benchmarks.md explains the
// method and holds the latest table.
import { cpus, tmpdir, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { address, httpJson, randomVerifier } from './lib/api.mjs';
import { Histogram } from './lib/histogram.mjs';
import { cpuMs, cpuTimes, fdCount, loadAverage } from './lib/process-stats.mjs';
import { startRedis } from './lib/redis.mjs';
import { BARE, CIPHERNEST, CIPHERNEST_ENTRY, CIPHERNEST_ENV, startTarget } from './lib/targets.mjs';
import { WorkerPool } from './lib/worker-pool.mjs';
import { summarizeProfile } from './profile-summary.mjs';

const SCENARIOS = ['fanout', 'idle', 'large', 'storm', 'churn', 'crypto', 'scale', 'idle10k', 'reconnect'];

function readOptions(argv) {
  // --cpu-prof takes an optional value, which parseArgs has no form for: a bare one means the default folder.
  const args = argv.map((arg) => (arg === '--cpu-prof' ? `--cpu-prof=${join(tmpdir(), 'ciphernest-bench-profiles')}` : arg));
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', default: SCENARIOS.join(',') },
      workers: { type: 'string', default: '1' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      env: { type: 'string', default: '' },
    },
  });
  const options = {
    quick: values.quick,
    only: values.only.split(',').map((part) => part.trim()),
    workers: Number(values.workers),
    json: values.json === undefined ? undefined : resolve(values.json),
    cpuProf: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    // Settings for CipherNest on top of CIPHERNEST_ENV, to compare one change in one run (e.g. --env=REPLAY_MS=0).
    env: Object.fromEntries(values.env.split(',').filter(Boolean).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--env takes NAME=value pairs (got "${pair}")`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    })),
  };
  const unknown = options.only.filter((name) => !SCENARIOS.includes(name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error('--workers must be a positive integer');
  return options;
}

const options = readOptions(process.argv.slice(2));
Object.assign(CIPHERNEST_ENV, options.env);
const MiB = 1024 * 1024;

/** How much of each scenario a run does: `--quick` fits in 60 s, the full run in about 6 minutes. */
const PLAN = options.quick
  ? { rounds: 1, warmupMs: 1_000, durationMs: 2_000, idleMembers: 1_000, large: [{ bytes: MiB, count: 5 }, { bytes: 5 * MiB, count: 3 }], stormMembers: 500, churnCycles: 500, churnWarmup: 100, idleRounds: 1 }
  : { rounds: 2, warmupMs: 3_000, durationMs: 10_000, idleMembers: 2_000, large: [{ bytes: MiB, count: 20 }, { bytes: 5 * MiB, count: 10 }], stormMembers: 500, churnCycles: 10_000, churnWarmup: 500, idleRounds: 3 };
const FANOUT = { rooms: 50, members: 8, boxBytes: 256, openLoopShare: 0.6 };
const CHURN = { rooms: 50, lanes: 50 };
const KINDS = [BARE, CIPHERNEST];
const LABEL = { [BARE]: 'bare relay', [CIPHERNEST]: 'CipherNest' };

const RUN_STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const log = (line = '') => process.stdout.write(`${line}\n`);
const results = { startedAt: new Date().toISOString(), quick: options.quick, workers: options.workers, load: {}, scenarios: {} };
let addressCursor = 0;

/** Loopback addresses for `count` members or cycles, never reused within a run. */
function takeAddresses(count) {
  const first = addressCursor;
  addressCursor += count;
  return first;
}

/** `rooms` rooms of `members` members each (the last one smaller if `total` says so). */
function roomPlan(prefix, rooms, members, total = rooms * members) {
  const plan = [];
  let left = total;
  for (let r = 0; left > 0 && r < rooms; r++) {
    const size = Math.min(members, left);
    left -= size;
    const first = takeAddresses(size);
    plan.push({
      name: `${prefix} ${r}`,
      verifier: randomVerifier(),
      members: Array.from({ length: size }, (_, m) => ({ name: `m${m}`, from: address(first + m) })),
    });
  }
  return plan;
}

/** Rooms dealt to workers round robin; a room never spans two workers (one clock per room). */
const dealt = (rooms, pool) => (index) => rooms.filter((_, r) => r % pool.size === index);

async function withTargets(kinds, task, startOptions = {}) {
  const targets = {};
  try {
    await Promise.all(kinds.map(async (kind) => {
      targets[kind] = await startTarget(kind, startOptions[kind]);
    }));
    return await task(targets);
  } finally {
    for (const target of Object.values(targets)) {
      noteWarnings(target);
      await target.stop();
    }
  }
}

const warnings = new Map();
/** Counts the warn/error lines each server printed, by event, for the report. */
function noteWarnings(target) {
  for (const record of target.logs()) {
    if (record.event === 'bench.gc' || (target.kind === BARE && record.event === 'server.started')) continue;
    const key = `${target.label}: ${record.event ?? record.msg ?? record.raw ?? 'line'}`;
    warnings.set(key, (warnings.get(key) ?? 0) + 1);
  }
}

async function joinAll(pool, target, rooms, concurrency) {
  const share = dealt(rooms, pool);
  const answers = await pool.all('join', (index) => ({ target: wire(target), rooms: share(index), concurrency }));
  const errors = answers.reduce((sum, answer) => sum + answer.errors, 0);
  if (errors > 0) throw new Error(`${target.label}: ${errors} members failed to join: ${answers.flatMap((answer) => answer.firstErrors).join('; ')}`);
  return { ms: Math.max(...answers.map((answer) => answer.ms)), connected: answers.reduce((sum, answer) => sum + answer.connected, 0) };
}

/** What a worker needs to know of a target (`urls`: the processes of a deployment of several). */
const wire = (target) => ({ kind: target.kind, url: target.url, urls: target.urls });

/** CPU ms used so far by every process of a target. */
const cpuOf = (pids) => pids.reduce((sum, pid) => {
  const times = cpuTimes(pid);
  return { user: sum.user + times.user, system: sum.system + times.system, total: sum.total + times.total };
}, { user: 0, system: 0, total: 0 });

// ---------------------------------------------------------------- fan-out

async function fanoutRun(pool, target, mode, rate, { warmupMs = PLAN.warmupMs, durationMs = PLAN.durationMs, quiet = false } = {}) {
  const cpu0 = { server: 0 };
  const serverPids = target.pids ?? [target.pid];
  const sidePids = target.sidePids ?? [];
  const sampler = (async () => {
    await sleep(warmupMs);
    cpu0.server = cpuOf(serverPids);
    cpu0.side = cpuOf(sidePids);
    cpu0.at = performance.now();
    cpu0.us = Number(process.hrtime.bigint() / 1000n);
    await sleep(durationMs);
    const end = cpuOf(serverPids);
    return {
      serverMs: end.total - cpu0.server.total,
      sideMs: cpuOf(sidePids).total - cpu0.side.total,
      serverSystemMs: end.system - cpu0.server.system,
      wallMs: performance.now() - cpu0.at,
      windowUs: [cpu0.us, Number(process.hrtime.bigint() / 1000n)],
    };
  })();
  const answers = await pool.all('fanout', () => ({
    kind: target.kind,
    mode,
    warmupMs,
    durationMs,
    rate: rate === undefined ? undefined : rate / pool.size,
    boxBytes: FANOUT.boxBytes,
  }));
  const cpu = await sampler;
  const windowS = Math.max(...answers.map((answer) => answer.windowMs)) / 1000;
  const latency = answers.reduce((merged, answer) => merged.merge(Histogram.fromJSON(answer.latency)), new Histogram());
  const sum = (field) => answers.reduce((total, answer) => total + answer[field], 0);
  const run = {
    windowS,
    sentPerS: sum('sent') / windowS,
    ackedPerS: sum('acked') / windowS,
    deliveredPerS: sum('delivered') / windowS,
    refused: sum('refused'),
    unacked: sum('unacked'),
    lastRefusal: answers.find((answer) => answer.lastRefusal)?.lastRefusal,
    latency: latency.toJSON(),
    serverCpu: cpu.serverMs / cpu.wallMs,
    sideCpu: cpu.sideMs / cpu.wallMs,
    serverSystemCpu: cpu.serverSystemMs / cpu.wallMs,
    generatorCpu: sum('cpuMs') / (windowS * 1000),
    delivered: sum('delivered'),
    windowUs: cpu.windowUs,
  };
  if (quiet) return run;
  const s = latency.summary();
  log(
    `  ${mode.padEnd(6)} ${(target.label ?? LABEL[target.kind]).padEnd(10)} sent ${fmt(run.sentPerS, 0)}/s, delivered ${fmt(run.deliveredPerS, 0)}/s, ` +
      `p50 ${fmt(s.p50, 2)} p95 ${fmt(s.p95, 2)} p99 ${fmt(s.p99, 2)} ms; CPU: server ${pct(run.serverCpu)}, generator ${pct(run.generatorCpu)}` +
      `${run.refused ? `; REFUSED ${run.refused} (${run.lastRefusal})` : ''}${run.unacked ? `; UNACKED ${run.unacked}` : ''}`,
  );
  return run;
}

/** How long CipherNest holds relayed messages by default (REPLAY_MS, docs/protocol.md §5.1). */
const REPLAY_MS = 30_000;

/**
 * The memory CipherNest holds for resuming at the default limits, right after the fan-out: its
 * VmRSS and JS heap after a full GC, then again once everything held has expired (REPLAY_MS and
 * a sweep later). The difference is what the last 30 s of fan-out messages cost while held.
 */
async function heldForResuming(target) {
  if (Number(CIPHERNEST_ENV.REPLAY_MS ?? REPLAY_MS) === 0) return undefined;
  const full = await target.collectGarbage();
  await sleep(REPLAY_MS + 2_000);
  const empty = await target.collectGarbage();
  const held = {
    rssMiB: (full.vmRssKiB - empty.vmRssKiB) / 1024,
    heapMiB: (full.heapUsed - empty.heapUsed) / MiB,
    externalMiB: (full.external - empty.external) / MiB,
  };
  log(`  held for resuming after the fan-out (REPLAY_MS ${REPLAY_MS / 1000} s): VmRSS ${fmt(held.rssMiB, 1)} MiB, JS heap ${fmt(held.heapMiB, 1)} MiB, external ${fmt(held.externalMiB, 1)} MiB, freed once expired`);
  return held;
}

function mergeRuns(runs) {
  const windowS = runs.reduce((total, run) => total + run.windowS, 0);
  const weighted = (field) => runs.reduce((total, run) => total + run[field] * run.windowS, 0) / windowS;
  const latency = runs.reduce((merged, run) => merged.merge(Histogram.fromJSON(run.latency)), new Histogram());
  return {
    rounds: runs.length,
    sentPerS: weighted('sentPerS'),
    deliveredPerS: weighted('deliveredPerS'),
    serverCpu: weighted('serverCpu'),
    sideCpu: weighted('sideCpu'),
    generatorCpu: weighted('generatorCpu'),
    serverCpuUsPerDelivery: (weighted('serverCpu') * 1e6) / weighted('deliveredPerS'),
    serverSystemUsPerDelivery: (weighted('serverSystemCpu') * 1e6) / weighted('deliveredPerS'),
    refused: runs.reduce((total, run) => total + run.refused, 0),
    latency: latency.summary(),
    windowsUs: runs.map((run) => run.windowUs),
    delivered: runs.reduce((total, run) => total + run.delivered, 0),
  };
}

async function fanout() {
  log(`fan-out: ${FANOUT.rooms} rooms x ${FANOUT.members} members, ${FANOUT.boxBytes}-byte boxes, every member sends; ` +
    `an unmeasured warm-up of each target, then ${PLAN.rounds} round(s) of ${PLAN.warmupMs / 1000} s warm-up + ${PLAN.durationMs / 1000} s measured per target, alternating`);
  const pool = new WorkerPool(options.workers);
  try {
    return await withTargets(KINDS, async (targets) => {
      for (const kind of KINDS) await joinAll(pool, targets[kind], roomPlan(`fan ${kind}`, FANOUT.rooms, FANOUT.members), 10);
      // Unmeasured: the servers' and the generator's code gets optimised before anything counts.
      for (const kind of KINDS) await fanoutRun(pool, targets[kind], 'closed', undefined, { warmupMs: PLAN.warmupMs, durationMs: 200, quiet: true });
      const closed = { [BARE]: [], [CIPHERNEST]: [] };
      for (let round = 0; round < PLAN.rounds; round++) {
        for (const kind of KINDS) closed[kind].push(await fanoutRun(pool, targets[kind], 'closed'));
      }
      const bareMax = mergeRuns(closed[BARE]).sentPerS;
      const rate = Math.round(bareMax * FANOUT.openLoopShare);
      log(`  open loop at ${rate} messages/s sent (${FANOUT.openLoopShare * 100}% of the bare relay's closed-loop maximum), ${fmt(rate * (FANOUT.members - 1), 0)} deliveries/s offered`);
      const open = { [BARE]: [], [CIPHERNEST]: [] };
      for (let round = 0; round < PLAN.rounds; round++) {
        for (const kind of KINDS) open[kind].push(await fanoutRun(pool, targets[kind], 'open', rate));
      }
      return {
        openLoopRate: rate,
        closed: Object.fromEntries(KINDS.map((kind) => [kind, mergeRuns(closed[kind])])),
        open: Object.fromEntries(KINDS.map((kind) => [kind, mergeRuns(open[kind])])),
        held: await heldForResuming(targets[CIPHERNEST]),
      };
    }, cpuProfOptions());
  } finally {
    pool.close();
  }
}

// ---------------------------------------------------------------- idle

async function idle() {
  const members = PLAN.idleMembers;
  log(`idle: ${members} joined members (${members / 8} rooms x 8); VmRSS and heap after a full GC, before and after; fresh processes per round, one target at a time`);
  const out = { [BARE]: [], [CIPHERNEST]: [] };
  for (let round = 0; round < PLAN.idleRounds; round++) {
    const pool = new WorkerPool(options.workers);
    try {
      await withTargets(KINDS, async (targets) => {
        for (const kind of KINDS) {
          const target = targets[kind];
          // Warm-up: the first members load code paths (and grow buffers) that every later one shares.
          await joinAll(pool, target, roomPlan(`warm ${kind} ${round}`, 4, 8), 4);
          await pool.all('leaveAll', () => ({ kind }));
          await sleep(300);
          const before = await target.collectGarbage();
          const joined = await joinAll(pool, target, roomPlan(`idle ${kind} ${round}`, members / 8, 8), 20);
          await sleep(IDLE_SETTLE_MS);
          const after = await target.collectGarbage();
          const perMember = (field) => (after[field] - before[field]) / joined.connected / 1024;
          const run = {
            members: joined.connected,
            rssBeforeKiB: before.vmRssKiB,
            rssAfterKiB: after.vmRssKiB,
            perMemberKiB: (after.vmRssKiB - before.vmRssKiB) / joined.connected,
            heapPerMemberKiB: perMember('heapUsed'),
            heapTotalPerMemberKiB: perMember('heapTotal'),
            externalPerMemberKiB: perMember('external'),
            connectMs: joined.ms,
          };
          out[kind].push(run);
          log(`  ${LABEL[kind].padEnd(10)} VmRSS ${fmt(before.vmRssKiB / 1024, 1)} -> ${fmt(after.vmRssKiB / 1024, 1)} MiB for ${joined.connected} members: ` +
            `${fmt(run.perMemberKiB, 1)} KiB each (JS heap ${fmt(run.heapPerMemberKiB, 1)}, V8 heap committed ${fmt(run.heapTotalPerMemberKiB, 1)}, external ${fmt(run.externalPerMemberKiB, 1)}); ` +
            `connected in ${fmt(joined.ms, 0)} ms`);
          await pool.all('closeAll', () => ({ kind }));
        }
      });
    } finally {
      pool.close();
    }
  }
  const median = (kind, field) => medianOf(out[kind].map((run) => run[field]));
  return {
    runs: out,
    perMemberKiB: { [BARE]: median(BARE, 'perMemberKiB'), [CIPHERNEST]: median(CIPHERNEST, 'perMemberKiB') },
    heapPerMemberKiB: { [BARE]: median(BARE, 'heapPerMemberKiB'), [CIPHERNEST]: median(CIPHERNEST, 'heapPerMemberKiB') },
    connectMs: { [BARE]: median(BARE, 'connectMs'), [CIPHERNEST]: median(CIPHERNEST, 'connectMs') },
  };
}

// ---------------------------------------------------------------- large

async function large() {
  log(`large: ${PLAN.large.map((size) => `${size.count} x ${size.bytes / MiB} MiB`).join(', ')} sent one at a time to 8 members (room of 9); ${PLAN.rounds} round(s), alternating`);
  const pool = new WorkerPool(1);
  try {
    return await withTargets(KINDS, async (targets) => {
      for (const kind of KINDS) await joinAll(pool, targets[kind], roomPlan(`large ${kind}`, 1, 9), 1);
      // Unmeasured: one message of each size to each target first (code and buffers warm up on both sides).
      for (const kind of KINDS) await pool.one(0, 'large', { kind, sizes: PLAN.large.map((size) => ({ ...size, count: 1 })) });
      const merged = {};
      for (let round = 0; round < PLAN.rounds; round++) {
        for (const kind of KINDS) {
          const sizes = await pool.one(0, 'large', { kind, sizes: PLAN.large });
          for (const size of sizes) {
            const key = `${kind}:${size.bytes}`;
            merged[key] ??= { latency: new Histogram(), complete: new Histogram() };
            merged[key].latency.merge(Histogram.fromJSON(size.latency));
            merged[key].complete.merge(Histogram.fromJSON(size.complete));
          }
        }
      }
      const out = {};
      for (const { bytes } of PLAN.large) {
        out[bytes] = {};
        for (const kind of KINDS) {
          const { latency, complete } = merged[`${kind}:${bytes}`];
          out[bytes][kind] = { latency: latency.summary(), complete: complete.summary() };
          const s = latency.summary();
          log(`  ${fmt(bytes / MiB, 0)} MiB ${LABEL[kind].padEnd(10)} per receiver p50 ${fmt(s.p50, 1)} p95 ${fmt(s.p95, 1)} max ${fmt(s.max, 1)} ms; all 8 by ${fmt(complete.summary().p50, 1)} ms (p50)`);
        }
      }
      return out;
    });
  } finally {
    pool.close();
  }
}

// ---------------------------------------------------------------- join storm

async function storm() {
  const members = PLAN.stormMembers;
  const rooms = Math.ceil(members / 8);
  log(`join storm: ${members} members in ${rooms} rooms all at once (CipherNest: HTTP create/join then connect until presence; bare: connect); ${PLAN.rounds} round(s), alternating`);
  const pool = new WorkerPool(options.workers);
  try {
    return await withTargets(KINDS, async (targets) => {
      const out = { [BARE]: [], [CIPHERNEST]: [] };
      for (let round = 0; round < PLAN.rounds; round++) {
        for (const kind of KINDS) {
          const target = targets[kind];
          const plan = roomPlan(`storm ${kind} ${round}`, rooms, 8, members);
          const cpu0 = cpuMs(target.pid);
          const answers = await pool.all('join', (index) => ({ target: wire(target), rooms: dealt(plan, pool)(index), concurrency: plan.length }));
          const run = {
            ms: Math.max(...answers.map((answer) => answer.ms)),
            connected: answers.reduce((sum, answer) => sum + answer.connected, 0),
            errors: answers.reduce((sum, answer) => sum + answer.errors, 0),
            firstErrors: answers.flatMap((answer) => answer.firstErrors).slice(0, 3),
            serverCpuMs: cpuMs(target.pid) - cpu0,
          };
          out[kind].push(run);
          log(`  ${LABEL[kind].padEnd(10)} ${run.connected} in ${fmt(run.ms, 0)} ms, ${run.errors} errors, server CPU ${fmt(run.serverCpuMs, 0)} ms${run.errors ? ` (${run.firstErrors.join('; ')})` : ''}`);
          await pool.all('leaveAll', () => ({ kind }));
          await sleep(500);
        }
      }
      const summary = (kind) => ({
        ms: medianOf(out[kind].map((run) => run.ms)),
        errors: out[kind].reduce((sum, run) => sum + run.errors, 0),
        serverCpuMs: medianOf(out[kind].map((run) => run.serverCpuMs)),
      });
      return { members, runs: out, [BARE]: summary(BARE), [CIPHERNEST]: summary(CIPHERNEST) };
    });
  } finally {
    pool.close();
  }
}

// ---------------------------------------------------------------- churn

async function churnOne(pool, target, cycles) {
  const plan = roomPlan(`churn ${target.kind}`, CHURN.rooms, 1);
  await joinAll(pool, target, plan, 10);
  const rooms = plan.map((room) => ({ name: room.name, verifier: room.verifier }));
  const lanes = Math.max(1, Math.floor(CHURN.lanes / pool.size));
  const cyclesEach = (total) => Math.ceil(total / pool.size);
  const churnAll = async (total) => {
    const each = cyclesEach(total);
    const first = takeAddresses(each * pool.size);
    const answers = await pool.all('churn', (index) => ({ target: wire(target), rooms, cycles: each, concurrency: lanes, firstAddress: first + index * each }));
    return {
      ms: Math.max(...answers.map((answer) => answer.ms)),
      cycles: each * pool.size,
      errors: answers.reduce((sum, answer) => sum + answer.errors, 0),
      firstErrors: answers.flatMap((answer) => answer.firstErrors).slice(0, 3),
    };
  };
  const state = async () => {
    const usage = await target.collectGarbage();
    return { rssKiB: usage.vmRssKiB, heapUsedKiB: usage.heapUsed / 1024, fds: fdCount(target.pid) };
  };
  await churnAll(PLAN.churnWarmup);
  await sleep(500);
  const before = await state();
  const run = await churnAll(cycles);
  await sleep(500);
  const after = await state();
  await pool.all('leaveAll', () => ({ kind: target.kind }));
  await sleep(500);
  const empty = await state();
  let directory;
  if (target.kind === CIPHERNEST) {
    const res = await httpJson(target.url, 'GET', '/api/rooms', undefined, address(takeAddresses(1)));
    directory = res.status === 200 ? res.body.rooms : `HTTP ${res.status}`;
  }
  const storesEmpty = target.kind === CIPHERNEST ? Array.isArray(directory) && directory.length === 0 : undefined;
  log(
    `  ${LABEL[target.kind].padEnd(10)} ${run.cycles} cycles in ${fmt(run.ms / 1000, 1)} s (${fmt(run.cycles / (run.ms / 1000), 0)}/s), ${run.errors} errors; ` +
      `after GC: VmRSS ${fmt(before.rssKiB / 1024, 1)} -> ${fmt(after.rssKiB / 1024, 1)} MiB (${fmt(empty.rssKiB / 1024, 1)} once all left), ` +
      `heap ${fmt(before.heapUsedKiB / 1024, 1)} -> ${fmt(after.heapUsedKiB / 1024, 1)} MiB (${fmt(empty.heapUsedKiB / 1024, 1)}); ` +
      `fds ${before.fds} -> ${after.fds} (${empty.fds})` +
      `${storesEmpty === undefined ? '' : `; directory after all left: ${JSON.stringify(directory).slice(0, 120)}`}` +
      `${run.errors ? ` (${run.firstErrors.join('; ')})` : ''}`,
  );
  return { ...run, before, after, empty, directory, storesEmpty };
}

async function churn() {
  log(`churn: ${PLAN.churnCycles} join/leave cycles over ${CHURN.rooms} rooms (one member stays in each), ${CHURN.lanes} at a time, each from its own address; ${PLAN.churnWarmup} unmeasured cycles first; one target at a time`);
  const pool = new WorkerPool(options.workers);
  try {
    return await withTargets(KINDS, async (targets) => {
      const out = {};
      for (const kind of KINDS) out[kind] = await churnOne(pool, targets[kind], PLAN.churnCycles);
      return out;
    });
  } finally {
    pool.close();
  }
}

// ---------------------------------------------------------------- scale-out

/** The layouts of the scale-out scenario: CipherNest processes sharing one Redis of their own. */
const SCALE_LAYOUTS = [{ name: 'redis-1', processes: 1 }, { name: 'redis-2', processes: 2 }];
const SCALE_SECRET = 'bench-token-secret-that-is-long-enough-0123456789';

/** One layout: its own redis-server and `processes` CipherNest processes with STORE=redis. */
async function startLayout({ name, processes }) {
  const redis = await startRedis();
  const servers = [];
  try {
    for (let n = 0; n < processes; n++) {
      // One at a time: the first registers with Redis alone (a cold start), the others join it.
      servers.push(await startTarget(CIPHERNEST, { env: { STORE: 'redis', REDIS_URL: redis.url, TOKEN_SECRET: SCALE_SECRET } }));
    }
  } catch (error) {
    for (const server of servers) await server.stop();
    await redis.stop();
    throw error;
  }
  return {
    kind: name,
    label: `${processes} process${processes > 1 ? 'es' : ''}`,
    url: servers[0].url,
    urls: servers.map((server) => server.url),
    pids: servers.map((server) => server.pid),
    sidePids: [redis.pid],
    servers,
    async stop() {
      for (const server of servers) {
        noteWarnings(server);
        await server.stop();
      }
      await redis.stop();
    },
  };
}

async function scale() {
  log(`scale-out: the fan-out load (${FANOUT.rooms} rooms x ${FANOUT.members} members, closed loop) at CipherNest with STORE=redis, ` +
    `1 process vs 2 processes sharing one Redis (each layout its own redis-server); a room's members are dealt to the processes in turn, ` +
    `so most deliveries cross processes; ${PLAN.rounds} round(s) each, alternating`);
  const pool = new WorkerPool(options.workers);
  const layouts = [];
  try {
    for (const layout of SCALE_LAYOUTS) layouts.push(await startLayout(layout));
    for (const layout of layouts) await joinAll(pool, layout, roomPlan(`scale ${layout.kind}`, FANOUT.rooms, FANOUT.members), 10);
    for (const layout of layouts) await fanoutRun(pool, layout, 'closed', undefined, { warmupMs: PLAN.warmupMs, durationMs: 200, quiet: true });
    const closed = Object.fromEntries(layouts.map((layout) => [layout.kind, []]));
    for (let round = 0; round < PLAN.rounds; round++) {
      for (const layout of layouts) closed[layout.kind].push(await fanoutRun(pool, layout, 'closed'));
    }
    return Object.fromEntries(layouts.map((layout) => [layout.kind, { processes: layout.pids.length, ...mergeRuns(closed[layout.kind]) }]));
  } finally {
    pool.close();
    for (const layout of layouts) await layout.stop();
  }
}

// ---------------------------------------------------------------- 10,000 idle members

const IDLE10K = { members: Number(process.env.BENCH_IDLE10K_MEMBERS ?? 10_000), activeRooms: 5, activeRate: 400 };
/** How long the idle scenarios wait after the last join before the full GC and the memory reading (BENCH_IDLE_SETTLE_MS). */
const IDLE_SETTLE_MS = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 500);

/** The soft limit of open files of this process (inherited by the servers and the workers). */
function openFilesLimit() {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((text) => text.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? Number.NaN);
}

/**
 * 10,000 idle members on one process, one target at a time (each member is a descriptor in the
 * server and one in the generator): time to connect them all, VmRSS and JS heap per member after
 * a full GC, then an open-loop fan-out in a few active rooms of 8 meanwhile, its latency.
 */
async function idle10k() {
  const members = IDLE10K.members;
  const limit = openFilesLimit();
  log(`idle10k: ${members} idle members (${members / 8} rooms x 8) on one process, then ${IDLE10K.activeRooms} active rooms of 8 sending ${IDLE10K.activeRate} msg/s in all (open loop) meanwhile; one target at a time; open files limit ${limit}`);
  if (limit < members + 1_000) throw new Error(`idle10k needs an open files limit of at least ${members + 1_000} (ulimit -n ${members + 1_000} before npm run bench); it is ${limit}`);
  const out = {};
  for (const kind of KINDS) {
    const pool = new WorkerPool(1);
    try {
      out[kind] = await withTargets([kind], async (targets) => {
        const target = targets[kind];
        await joinAll(pool, target, roomPlan(`warm10k ${kind}`, 4, 8), 4);
        await pool.all('leaveAll', () => ({ kind }));
        await sleep(300);
        const before = await target.collectGarbage();
        const cpu0 = cpuMs(target.pid);
        const joined = await joinAll(pool, target, roomPlan(`idle10k ${kind}`, members / 8, 8), 20);
        const joinCpuMs = cpuMs(target.pid) - cpu0;
        await sleep(IDLE_SETTLE_MS);
        const after = await target.collectGarbage();
        const active = roomPlan(`active ${kind}`, IDLE10K.activeRooms, 8);
        await pool.one(0, 'join', { target: wire(target), rooms: active, concurrency: 5, group: `${kind}:active` });
        const run = await pool.one(0, 'fanout', { kind, group: `${kind}:active`, mode: 'open', warmupMs: PLAN.warmupMs, durationMs: PLAN.durationMs, rate: IDLE10K.activeRate, boxBytes: FANOUT.boxBytes });
        const latency = Histogram.fromJSON(run.latency).summary();
        const result = {
          members: joined.connected,
          connectMs: joined.ms,
          joinCpuMsPerMember: joinCpuMs / joined.connected,
          rssPerMemberKiB: (after.vmRssKiB - before.vmRssKiB) / joined.connected,
          heapPerMemberKiB: (after.heapUsed - before.heapUsed) / 1024 / joined.connected,
          heapCommittedPerMemberKiB: (after.heapTotal - before.heapTotal) / 1024 / joined.connected,
          externalPerMemberKiB: (after.external - before.external) / 1024 / joined.connected,
          // Per V8 heap space, KiB per member: committed (size) and live (used) after the full GC.
          spacesPerMemberKiB: Object.fromEntries(
            Object.entries(after.spaces ?? {}).map(([name, space]) => [
              name,
              { size: (space.size - (before.spaces?.[name]?.size ?? 0)) / 1024 / joined.connected, used: (space.used - (before.spaces?.[name]?.used ?? 0)) / 1024 / joined.connected },
            ]),
          ),
          rssMiB: after.vmRssKiB / 1024,
          latency,
          delivered: run.delivered,
        };
        log(`  ${LABEL[kind].padEnd(10)} ${result.members} connected in ${fmt(result.connectMs / 1000, 1)} s (server CPU ${fmt(result.joinCpuMsPerMember, 2)} ms each); ` +
          `VmRSS ${fmt(result.rssMiB, 0)} MiB, ${fmt(result.rssPerMemberKiB, 1)} KiB / member, JS heap ${fmt(result.heapPerMemberKiB, 1)} KiB / member ` +
          `(V8 heap committed ${fmt(result.heapCommittedPerMemberKiB, 1)}, external ${fmt(result.externalPerMemberKiB, 1)}); ` +
          `fan-out meanwhile p50 ${fmt(latency.p50, 2)} p99 ${fmt(latency.p99, 2)} ms (${run.delivered} delivered)`);
        await pool.all('closeAll', () => ({ kind: `${kind}:active` }));
        await pool.all('closeAll', () => ({ kind }));
        return result;
      });
    } finally {
      pool.close();
    }
  }
  return out;
}

// ---------------------------------------------------------------- reconnect storm

// A grace of 30 s (the default is 10 s): on a loaded 2-core machine an HTTP join and its connect can be seconds apart.
const RECONNECT = { members: Number(process.env.BENCH_RECONNECT_MEMBERS ?? 2_000), graceMs: 30_000 };

/**
 * A Redis deployment of two CipherNest processes with 2,000 members, half on each; the first is
 * killed (SIGKILL) and every member it held reconnects to the second with its token and
 * `resume`. Figures: time from the kill until each is back (its `presence`), failures, and the
 * `member` events the room heard (a `left` is a member that timed out: there must be none).
 */
async function reconnect() {
  const members = RECONNECT.members;
  log(`reconnect: STORE=redis, 2 CipherNest processes and a redis-server; ${members} members (rooms of 8, each room's members dealt to both); ` +
    `the first process is killed with SIGKILL and its members reconnect to the second with their token and resume; DISCONNECT_GRACE_MS ${RECONNECT.graceMs}`);
  const redis = await startRedis();
  const servers = [];
  const pool = new WorkerPool(1);
  try {
    for (let n = 0; n < 2; n++) {
      servers.push(await startTarget(CIPHERNEST, { env: { STORE: 'redis', REDIS_URL: redis.url, TOKEN_SECRET: SCALE_SECRET, DISCONNECT_GRACE_MS: String(RECONNECT.graceMs) } }));
    }
    const [doomed, survivor] = servers;
    const deployment = { kind: CIPHERNEST, url: doomed.url, urls: [doomed.url, survivor.url] };
    const joined = await pool.one(0, 'join', { target: deployment, rooms: roomPlan('storm-redis', members / 8, 8), concurrency: 10, group: 'reconnect' });
    if (joined.errors > 0) throw new Error(`reconnect: ${joined.errors} members failed to join: ${joined.firstErrors.join('; ')}`);
    const { armed } = await pool.one(0, 'armReconnect', { group: 'reconnect', fromUrl: doomed.url, toUrl: survivor.url, timeoutMs: 60_000 });
    const cpu0 = cpuMs(survivor.pid);
    const killedAt = Date.now();
    process.kill(doomed.pid, 'SIGKILL');
    const result = await Promise.race([
      pool.one(0, 'awaitReconnect', { group: 'reconnect', settleMs: RECONNECT.graceMs + 5_000 }),
      (async () => {
        while (!survivor.exited) await sleep(200);
        throw new Error(`reconnect: the surviving process exited (${JSON.stringify(survivor.exited)}):\n${survivor.lines.slice(-20).join('\n')}`);
      })(),
    ]);
    const survivorCpuMs = cpuMs(survivor.pid) - cpu0;
    const times = result.back.map((entry) => entry.backAt - killedAt).sort((a, b) => a - b);
    const at = (share) => times[Math.min(times.length - 1, Math.floor(share * times.length))];
    const out = {
      members,
      armed,
      back: times.length,
      failed: result.failed,
      failures: result.failures,
      events: result.events,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: times[times.length - 1],
      survivorCpuMs,
    };
    log(`  ${out.back} of ${armed} back on the other process: p50 ${fmt(out.p50Ms, 0)} ms, p99 ${fmt(out.p99Ms, 0)} ms, all by ${fmt(out.maxMs, 0)} ms after the kill; ` +
      `${out.failed} failed${out.failed ? ` (${out.failures.join('; ')})` : ''}; member events heard: ${JSON.stringify(out.events)}; survivor CPU ${fmt(survivorCpuMs, 0)} ms`);
    return out;
  } finally {
    pool.close();
    for (const server of servers) {
      noteWarnings(server);
      await server.stop();
    }
    await redis.stop();
  }
}

// ---------------------------------------------------------------- crypto

async function clientCrypto() {
  log('client crypto in headless Chromium (libs/crypto bundled by esbuild, page timed with performance.now())');
  const { runBrowserCrypto } = await import('./browser-crypto.mjs');
  const run = await runBrowserCrypto({ quick: options.quick });
  const out = {
    browser: run.version,
    kdf: { params: `m=${run.kdf.m},t=${run.kdf.t},p=${run.kdf.p}`, cold: run.kdf.times[0], warm: medianOf(run.kdf.times.slice(1)), slowest: Math.max(...run.kdf.times), runs: run.kdf.times.length },
    image: { median: medianOf(run.image.times), slowest: Math.max(...run.image.times), runs: run.image.times.length, boxBytes: run.image.boxBytes },
    decrypt: { ms: run.decrypt.ms, count: run.decrypt.count, perMessageUs: (run.decrypt.ms * 1000) / run.decrypt.count },
    membership: {
      size: run.membership.size,
      leave: { median: medianOf(run.membership.leave), slowest: Math.max(...run.membership.leave), members: run.membership.leave.length },
      join: { median: medianOf(run.membership.join), slowest: Math.max(...run.membership.join), members: run.membership.join.length },
      newcomer: run.membership.newcomer,
      text: run.membership.text,
    },
  };
  log(`  Chromium ${out.browser}: derive keys (${out.kdf.params}) cold ${fmt(out.kdf.cold, 0)} ms, warm ${fmt(out.kdf.warm, 0)} ms; ` +
    `encryptImage 5 MiB median ${fmt(out.image.median, 1)} ms (slowest ${fmt(out.image.slowest, 1)}); ` +
    `decrypt ${out.decrypt.count} texts ${fmt(out.decrypt.ms, 1)} ms`);
  const { membership } = out;
  log(`  membership change in a v2 room of ${membership.size}, each member's time: a leave median ${fmt(membership.leave.median, 0)} ms ` +
    `(slowest ${fmt(membership.leave.slowest, 0)}), a join median ${fmt(membership.join.median, 0)} ms (slowest ${fmt(membership.join.slowest, 0)}), ` +
    `the newcomer ${fmt(membership.newcomer, 0)} ms`);
  log(`  one text in v2, the layer's own cost (median of ${membership.text.count}): send (sign + seal) ${fmt(membership.text.sendMs, 2)} ms, read (verify + open) ${fmt(membership.text.readMs, 2)} ms`);
  return out;
}

// ---------------------------------------------------------------- report

function medianOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(value, digits) {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const pct = (share) => `${fmt(share * 100, 0)}%`;

function cpuProfOptions() {
  if (!options.cpuProf) return {};
  mkdirSync(options.cpuProf, { recursive: true });
  const nodeArgs = (kind) => ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`, `--cpu-prof-name=${kind}-${RUN_STAMP}.cpuprofile`];
  return { [CIPHERNEST]: { nodeArgs: nodeArgs(CIPHERNEST) }, [BARE]: { nodeArgs: nodeArgs(BARE) } };
}

/** One table row: figure, both values, ratio CipherNest / bare, and the verdict where a target applies. */
function row(scenario, figure, bare, ours, digits, target) {
  const ratio = bare && ours !== undefined ? ours / bare : Number.NaN;
  let verdict = '';
  if (target) verdict = `${target.pass(ratio, ours) ? 'PASS' : 'MISS'} (${target.text})`;
  return [scenario, figure, fmt(bare, digits), fmt(ours, digits), Number.isNaN(ratio) ? '-' : `${fmt(ratio, 2)}x`, verdict];
}

function table(rows) {
  const header = ['scenario', 'figure', 'bare relay', 'CipherNest', 'ratio', 'target'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => String(cells[column]).length)));
  const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The scale-out scenario's own table: the two layouts side by side, and 2 vs 1. */
function scaleTable(s) {
  const one = s['redis-1'];
  const two = s['redis-2'];
  const header = ['scale-out (STORE=redis, closed loop)', '1 process', '2 processes', '2 vs 1'];
  const ratio = (a, b) => (a && b !== undefined ? `${fmt(b / a, 2)}x` : '-');
  const rows = [
    ['delivered msg/s', fmt(one.deliveredPerS, 0), fmt(two.deliveredPerS, 0), ratio(one.deliveredPerS, two.deliveredPerS)],
    ['latency p50 ms', fmt(one.latency.p50, 2), fmt(two.latency.p50, 2), ratio(one.latency.p50, two.latency.p50)],
    ['latency p99 ms', fmt(one.latency.p99, 2), fmt(two.latency.p99, 2), ratio(one.latency.p99, two.latency.p99)],
    ['CipherNest CPU, all processes (1 core = 100%)', fmt(one.serverCpu * 100, 0), fmt(two.serverCpu * 100, 0), '-'],
    ['redis-server CPU (%)', fmt(one.sideCpu * 100, 0), fmt(two.sideCpu * 100, 0), '-'],
    ['generator CPU (%)', fmt(one.generatorCpu * 100, 0), fmt(two.generatorCpu * 100, 0), '-'],
    ['CipherNest CPU µs / delivery', fmt(one.serverCpuUsPerDelivery, 2), fmt(two.serverCpuUsPerDelivery, 2), ratio(one.serverCpuUsPerDelivery, two.serverCpuUsPerDelivery)],
    ['refused', fmt(one.refused, 0), fmt(two.refused, 0), '-'],
  ];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function report(s) {
  const rows = [];
  const verdicts = [];
  const target = (text, pass) => ({ text, pass: (...args) => {
    const ok = pass(...args);
    verdicts.push(`${ok ? 'PASS' : 'MISS'} ${text}`);
    return ok;
  } });
  if (s.fanout) {
    const { closed, open } = s.fanout;
    rows.push(row('fan-out closed', 'delivered msg/s', closed[BARE].deliveredPerS, closed[CIPHERNEST].deliveredPerS, 0, target('throughput >= 1.0x bare', (r) => r >= 1.0)));
    rows.push(row('fan-out closed', 'latency p50 ms', closed[BARE].latency.p50, closed[CIPHERNEST].latency.p50, 2));
    rows.push(row('fan-out closed', 'latency p95 ms', closed[BARE].latency.p95, closed[CIPHERNEST].latency.p95, 2));
    rows.push(row('fan-out closed', 'latency p99 ms', closed[BARE].latency.p99, closed[CIPHERNEST].latency.p99, 2));
    rows.push(row('fan-out closed', 'server CPU (1 core = 100%)', closed[BARE].serverCpu * 100, closed[CIPHERNEST].serverCpu * 100, 0));
    rows.push(row('fan-out closed', 'generator CPU (%)', closed[BARE].generatorCpu * 100, closed[CIPHERNEST].generatorCpu * 100, 0));
    rows.push(row('fan-out closed', 'server CPU µs / delivery', closed[BARE].serverCpuUsPerDelivery, closed[CIPHERNEST].serverCpuUsPerDelivery, 2, target('closed-loop CPU per delivery <= 1.0x bare', (r) => r <= 1.0)));
    rows.push(row('fan-out closed', '  of which in the kernel', closed[BARE].serverSystemUsPerDelivery, closed[CIPHERNEST].serverSystemUsPerDelivery, 2));
    rows.push(row(`fan-out open ${s.fanout.openLoopRate}/s`, 'delivered msg/s', open[BARE].deliveredPerS, open[CIPHERNEST].deliveredPerS, 0));
    rows.push(row(`fan-out open ${s.fanout.openLoopRate}/s`, 'latency p50 ms', open[BARE].latency.p50, open[CIPHERNEST].latency.p50, 2));
    rows.push(row(`fan-out open ${s.fanout.openLoopRate}/s`, 'latency p95 ms', open[BARE].latency.p95, open[CIPHERNEST].latency.p95, 2));
    rows.push(row(`fan-out open ${s.fanout.openLoopRate}/s`, 'latency p99 ms', open[BARE].latency.p99, open[CIPHERNEST].latency.p99, 2, target('p99 <= 1.1x bare at the same load', (r) => r <= 1.1)));
    rows.push(row(`fan-out open ${s.fanout.openLoopRate}/s`, 'server CPU (1 core = 100%)', open[BARE].serverCpu * 100, open[CIPHERNEST].serverCpu * 100, 0));
    rows.push(row(`fan-out open ${s.fanout.openLoopRate}/s`, 'server CPU µs / delivery', open[BARE].serverCpuUsPerDelivery, open[CIPHERNEST].serverCpuUsPerDelivery, 2, target('open-loop CPU per delivery <= 1.0x bare', (r) => r <= 1.0)));
    rows.push(row(`fan-out open ${s.fanout.openLoopRate}/s`, '  of which in the kernel', open[BARE].serverSystemUsPerDelivery, open[CIPHERNEST].serverSystemUsPerDelivery, 2));
    if (s.fanout.held) {
      const { held } = s.fanout;
      for (const [figure, value] of [['VmRSS MiB', held.rssMiB], ['JS heap MiB', held.heapMiB], ['external MiB', held.externalMiB]]) {
        rows.push(['held for resuming (30 s of fan-out)', figure, '-', fmt(value, 1), '-', '']);
      }
    }
  }
  if (s.idle) {
    rows.push(row(`idle ${PLAN.idleMembers} members`, 'VmRSS KiB / member', s.idle.perMemberKiB[BARE], s.idle.perMemberKiB[CIPHERNEST], 1, target('VmRSS per idle member <= 1.2x bare', (r) => r <= 1.2)));
    rows.push(row(`idle ${PLAN.idleMembers} members`, 'JS heap KiB / member', s.idle.heapPerMemberKiB[BARE], s.idle.heapPerMemberKiB[CIPHERNEST], 1, target('JS heap per idle member <= 1.2x bare', (r) => r <= 1.2)));
    rows.push(row(`idle ${PLAN.idleMembers} members`, 'time to connect them ms (median)', s.idle.connectMs[BARE], s.idle.connectMs[CIPHERNEST], 0, target('time to connect N members <= 1.5x bare', (r) => r <= 1.5)));
  }
  if (s.large) {
    for (const [bytes, byKind] of Object.entries(s.large)) {
      const size = `large ${Number(bytes) / MiB} MiB`;
      rows.push(row(size, 'latency p50 ms', byKind[BARE].latency.p50, byKind[CIPHERNEST].latency.p50, 1));
      const p95Target = Number(bytes) === 5 * MiB ? target('5 MiB to 8 members p95 <= 1.2x bare', (r) => r <= 1.2) : undefined;
      rows.push(row(size, 'latency p95 ms', byKind[BARE].latency.p95, byKind[CIPHERNEST].latency.p95, 1, p95Target));
      rows.push(row(size, 'latency max ms', byKind[BARE].latency.max, byKind[CIPHERNEST].latency.max, 1));
      rows.push(row(size, 'all 8 received p50 ms', byKind[BARE].complete.p50, byKind[CIPHERNEST].complete.p50, 1));
    }
  }
  if (s.storm) {
    rows.push(row(`join storm ${s.storm.members}`, 'time ms (median)', s.storm[BARE].ms, s.storm[CIPHERNEST].ms, 0));
    rows.push(row(`join storm ${s.storm.members}`, 'errors', s.storm[BARE].errors, s.storm[CIPHERNEST].errors, 0));
    rows.push(row(`join storm ${s.storm.members}`, 'server CPU ms', s.storm[BARE].serverCpuMs, s.storm[CIPHERNEST].serverCpuMs, 0));
    const perJoin = (kind) => s.storm[kind].serverCpuMs / s.storm.members;
    rows.push(row(`join storm ${s.storm.members}`, 'server CPU ms per join', perJoin(BARE), perJoin(CIPHERNEST), 2, target('CPU per join (HTTP join + connect + presence) <= 2x bare per connect', (r) => r <= 2)));
  }
  if (s.churn) {
    const c = s.churn;
    const name = `churn ${PLAN.churnCycles}`;
    rows.push(row(name, 'cycles/s', c[BARE].cycles / (c[BARE].ms / 1000), c[CIPHERNEST].cycles / (c[CIPHERNEST].ms / 1000), 0));
    rows.push(row(name, 'errors', c[BARE].errors, c[CIPHERNEST].errors, 0));
    rows.push(row(name, 'VmRSS before MiB (after GC)', c[BARE].before.rssKiB / 1024, c[CIPHERNEST].before.rssKiB / 1024, 1));
    rows.push(row(name, 'VmRSS after MiB (after GC)', c[BARE].after.rssKiB / 1024, c[CIPHERNEST].after.rssKiB / 1024, 1));
    rows.push(row(name, 'JS heap before MiB', c[BARE].before.heapUsedKiB / 1024, c[CIPHERNEST].before.heapUsedKiB / 1024, 1));
    rows.push(row(name, 'JS heap after MiB', c[BARE].after.heapUsedKiB / 1024, c[CIPHERNEST].after.heapUsedKiB / 1024, 1));
    rows.push(row(name, 'fds before', c[BARE].before.fds, c[CIPHERNEST].before.fds, 0));
    rows.push(row(name, 'fds after', c[BARE].after.fds, c[CIPHERNEST].after.fds, 0));
    const empty = c[CIPHERNEST].storesEmpty;
    rows.push([name, 'stores empty after all left', '-', empty ? 'yes' : `NO: ${JSON.stringify(c[CIPHERNEST].directory).slice(0, 60)}`, '-', empty ? 'PASS (no leak)' : 'MISS (no leak)']);
    verdicts.push(`${empty ? 'PASS' : 'MISS'} rooms and sessions gone after churn`);
  }
  if (s.idle10k) {
    const i = s.idle10k;
    const name = `idle ${IDLE10K.members.toLocaleString('en-US')} members`;
    rows.push(row(name, 'time to connect them all ms', i[BARE].connectMs, i[CIPHERNEST].connectMs, 0, target(`time to connect ${IDLE10K.members.toLocaleString('en-US')} <= 1.5x bare`, (r) => r <= 1.5)));
    rows.push(row(name, 'server CPU ms per member joined', i[BARE].joinCpuMsPerMember, i[CIPHERNEST].joinCpuMsPerMember, 2, target('CPU per join <= 2x bare per connect', (r) => r <= 2)));
    rows.push(row(name, 'VmRSS KiB / member', i[BARE].rssPerMemberKiB, i[CIPHERNEST].rssPerMemberKiB, 1, target(`VmRSS per member at ${IDLE10K.members.toLocaleString('en-US')} <= 1.2x bare`, (r) => r <= 1.2)));
    rows.push(row(name, 'JS heap KiB / member', i[BARE].heapPerMemberKiB, i[CIPHERNEST].heapPerMemberKiB, 1, target(`JS heap per member at ${IDLE10K.members.toLocaleString('en-US')} <= 1.2x bare`, (r) => r <= 1.2)));
    rows.push(row(name, 'VmRSS MiB in all', i[BARE].rssMiB, i[CIPHERNEST].rssMiB, 0));
    rows.push(row(name, `fan-out in ${IDLE10K.activeRooms} rooms meanwhile p50 ms`, i[BARE].latency.p50, i[CIPHERNEST].latency.p50, 2));
    rows.push(row(name, `fan-out in ${IDLE10K.activeRooms} rooms meanwhile p99 ms`, i[BARE].latency.p99, i[CIPHERNEST].latency.p99, 2));
  }
  if (s.reconnect) {
    const r = s.reconnect;
    const only = (figure, value) => [`reconnect storm ${r.members} (redis, 2 processes)`, figure, '-', value, '-', ''];
    rows.push(only('members of the killed process back / of', `${r.back} / ${r.armed}`));
    rows.push(only('time to back after the kill p50 / p99 / all ms', `${fmt(r.p50Ms, 0)} / ${fmt(r.p99Ms, 0)} / ${fmt(r.maxMs, 0)}`));
    const none = r.failed === 0 && (r.events.left ?? 0) === 0 && r.back === r.armed;
    rows.push([...only('failed or timed out (member left heard)', `${r.failed} / ${r.events.left ?? 0}`).slice(0, 5), `${none ? 'PASS' : 'MISS'} (every member back within the grace, none timed out)`]);
    verdicts.push(`${none ? 'PASS' : 'MISS'} reconnect storm: every member back within the grace, none timed out`);
  }
  if (s.crypto) {
    const c = s.crypto;
    const kdfTarget = target('key derivation < 1.5 s (slowest run)', (_r, ms) => ms < 1_500);
    const imageTarget = target('5 MiB encryption < 100 ms (slowest run)', (_r, ms) => ms < 100);
    const only = (figure, value, digits, aTarget) => {
      const cells = row('client crypto', figure, undefined, value, digits, aTarget);
      cells[2] = '-';
      return cells;
    };
    rows.push(only(`derive keys ${c.kdf.params} ms, slowest of ${c.kdf.runs}`, c.kdf.slowest, 0, kdfTarget));
    rows.push(only('derive keys ms, cold / warm median', undefined, 0));
    rows[rows.length - 1][3] = `${fmt(c.kdf.cold, 0)} / ${fmt(c.kdf.warm, 0)}`;
    rows.push(only(`encryptImage 5 MiB ms, slowest of ${c.image.runs}`, c.image.slowest, 1, imageTarget));
    rows.push(only('encryptImage 5 MiB ms, median', c.image.median, 1));
    rows.push(only(`decrypt ${c.decrypt.count} texts ms (µs each)`, undefined, 1));
    rows[rows.length - 1][3] = `${fmt(c.decrypt.ms, 1)} (${fmt(c.decrypt.perMessageUs, 1)})`;
    const m = c.membership;
    const changeTarget = (change) => target(`${change} in a room of ${m.size} < 1 s of each member's CPU (slowest member)`, (_r, ms) => ms < 1_000);
    rows.push(only(`room of ${m.size}: a leave, each member ms, slowest of ${m.leave.members}`, m.leave.slowest, 0, changeTarget('a leave')));
    rows.push(only(`room of ${m.size}: a join, each member ms, slowest of ${m.join.members + 1}`, Math.max(m.join.slowest, m.newcomer), 0, changeTarget('a join')));
    rows.push(only(`room of ${m.size}: median ms, leave / join / the newcomer`, undefined, 0));
    rows[rows.length - 1][3] = `${fmt(m.leave.median, 0)} / ${fmt(m.join.median, 0)} / ${fmt(m.newcomer, 0)}`;
    rows.push(only('v2 text ms, send (sign + seal) / read (verify + open), median', undefined, 2));
    rows[rows.length - 1][3] = `${fmt(m.text.sendMs, 2)} / ${fmt(m.text.readMs, 2)}`;
  }
  return { rows, verdicts };
}

async function main() {
  const started = performance.now();
  results.load.start = loadAverage();
  log(`CipherNest benchmark${options.quick ? ' (--quick)' : ''}: ${new Date().toISOString()}`);
  log(`machine: ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 1024 ** 3, 1)} GiB RAM, Node ${process.version}, load average ${results.load.start.join(' ')} at start`);
  log(`targets: CipherNest ${CIPHERNEST_ENTRY} and bench/bare-relay.mjs (Socket.IO 4, same transport options), one process each, started fresh per scenario`);
  log(`CipherNest environment: ${Object.entries(CIPHERNEST_ENV).map(([name, value]) => `${name}=${value}`).join(' ')} (every rate limit off for the run; other limits at their defaults)`);
  log(`load: ${options.workers} socket.io-client worker process(es); the server and the generator share ${cpus().length} cores, so the generator's CPU is printed beside the server's`);
  if (options.cpuProf) log(`CPU profiles of both servers (fan-out only) go to ${options.cpuProf}`);
  log();
  const runners = { fanout, idle, large, storm, churn, crypto: clientCrypto, scale, idle10k, reconnect };
  for (const name of options.only) {
    const scenarioStart = performance.now();
    results.scenarios[name] = await runners[name]();
    log(`  (${fmt((performance.now() - scenarioStart) / 1000, 1)} s)`);
    log();
  }
  results.load.end = loadAverage();
  results.elapsedS = (performance.now() - started) / 1000;
  const { rows, verdicts } = report(results.scenarios);
  if (rows.length > 0) {
    log(table(rows));
    log();
  }
  if (results.scenarios.scale) {
    log(scaleTable(results.scenarios.scale));
    log();
  }
  for (const verdict of verdicts) log(verdict);
  if (warnings.size > 0) log(`\nserver log lines (warn and above): ${[...warnings].map(([key, count]) => `${key} x${count}`).join('; ')}`);
  log(`\nload average ${results.load.start.join(' ')} at start, ${results.load.end.join(' ')} at end; ${fmt(results.elapsedS, 0)} s in all`);
  if (options.cpuProf) {
    const fan = results.scenarios.fanout;
    for (const file of readdirSync(options.cpuProf).filter((name) => name.endsWith(`-${RUN_STAMP}.cpuprofile`)).sort()) {
      const kind = KINDS.find((candidate) => file.startsWith(`${candidate}-`));
      const loop = fan && kind ? fan.open[kind] : undefined;
      log(`\nCPU profile ${file}${loop ? ` (${LABEL[kind]}), open-loop windows only, ${loop.delivered} deliveries` : ''}: top self time`);
      log(summarizeProfile(resolve(options.cpuProf, file), 30, loop ? { windows: loop.windowsUs, deliveries: loop.delivered } : {}));
    }
  }
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ ...results, verdicts, rows }, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
