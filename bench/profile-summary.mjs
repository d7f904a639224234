// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by where the code
// lives (our server, a package, Node's internals, the engine). Also a CLI:
//   node bench/profile-summary.mjs FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Where a function's code lives: `ciphernest`, `pkg:<name>`, `node`, or the engine's own `(...)` nodes. */
function origin(url) {
  if (!url) return 'v8/native';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return `pkg:${packageMatch[1]}`;
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/dist/apps/server/')) return 'ciphernest';
  return url;
}

function place(frame) {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/').replace(/^file:\/\//, '');
  return file ? `${file}:${frame.lineNumber + 1}` : '';
}

/**
 * Self time by origin and by function. `windows` (optional) keeps only samples taken inside
 * them: `[startUs, endUs]` pairs on the profile's clock, which is the monotonic clock of
 * `process.hrtime` in µs. `deliveries` (optional) adds µs per delivered message.
 */
export function summarizeProfile(path, top = 25, { windows, deliveries } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const inWindow = (at) => !windows || windows.some(([start, end]) => at >= start && at < end);
  // timeDeltas[i] is the time before sample i; attribute each sample's following interval to it.
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (!inWindow(at)) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
  }
  const totalUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const byFunction = new Map();
  const byOrigin = new Map();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    const key = `${frame.functionName || '(anonymous)'}  ${place(frame)}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const where = frame.functionName.startsWith('(') && !frame.url ? frame.functionName : origin(frame.url);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + us);
  }
  const perDelivery = (us) => (deliveries ? `  ${(us / deliveries).toFixed(3).padStart(7)} µs/delivery` : '');
  const share = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%${perDelivery(us)}`;
  const busyUs = totalUs - (byFunction.get('(idle)  ') ?? 0);
  const lines = [`  ${(totalUs / 1000).toFixed(0)} ms sampled${windows ? ' in the measured windows' : ''}; busy ${share(busyUs)}`];
  lines.push('  by origin:');
  for (const [where, us] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`    ${share(us)}  ${where}`);
  lines.push('  by function (self time):');
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`    ${share(us)}  ${key}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const usage = (problem = '') => {
    process.stderr.write(`${problem}usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP]\n`);
    process.exit(2);
  };
  let positionals = [];
  try {
    ({ positionals } = parseArgs({ allowPositionals: true }));
  } catch (error) {
    usage(`${error.message}\n`);
  }
  const [file, top] = positionals;
  if (!file) usage();
  process.stdout.write(`${summarizeProfile(file, Number(top ?? 25))}\n`);
}
