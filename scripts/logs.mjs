// `npm run logs -- [filters] [FILE]`: CipherNest's JSON log, filtered and made readable.
// See `--help` and docs/operations.md.
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync, statSync, createReadStream } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { createInterface } from 'node:readline';
import { setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import pinoPretty from 'pino-pretty';

const USAGE = `Usage: npm run logs -- [options] [FILE]
       node scripts/logs.mjs [options] [FILE]

Reads CipherNest's JSON log lines from FILE or standard input (a pipe from the server,
"docker compose logs --no-log-prefix -f app", "journalctl -o cat -u ciphernest"), keeps the
records that match every filter given, and prints them readably, in colour on a terminal.
Lines written with LOG_FORMAT=ecs and the project's nginx access log are read alike.

Filters (repeat one, or give a comma-separated list, to accept any of its values; write a
value that starts with "-" after "=", as in --user=-bob):
  --room NAME      a room, by its name in any case (as docs/protocol.md compares room names)
  --user NAME      a username, in any case
  --ip ADDRESS     a client address or a CIDR range (203.0.113.7, 203.0.113.0/24, 2001:db8::/32),
                   or a hashed address as LOG_IP=hashed writes it (h:0123456789abcdef)
  --event NAME     an event name (session.rejected); NAME.* for a family (session.*)
  --request ID     a request id (X-Request-ID, "Reference: ..." in the web app): the app's
                   lines for that request or Socket.IO handshake, and nginx's
  --level LEVEL    this level and above: trace, debug, info, warn, error, fatal
  --since TIME     records at or after TIME: ISO-8601 (2025-01-31T09:00:00Z, 2025-01-31)
                   or a duration back from now (90s, 15m, 2h, 7d)
  --until TIME     records before TIME (same forms)

Output:
  --json           print the matching lines unchanged (one JSON object a line, for jq)
  --color          colours even when not writing to a terminal
  --no-color       no colours (NO_COLOR=1 does the same)
  -f, --follow     keep reading FILE as it grows (like tail -f); survives rotation
  -h, --help       this text

Exit status: 0 when done (even if nothing matched), 2 on a usage error.`;

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** LOG_FORMAT=ecs field names (apps/server/src/logging/ecs-log-format.ts) back to the app's own. */
const FROM_ECS = {
  '@timestamp': 'time',
  'log.level': 'level',
  message: 'msg',
  'event.action': 'event',
  'http.request.id': 'reqId',
  'user.name': 'user',
  'client.address': 'ip',
  'log.logger': 'context',
  'service.name': 'service',
};
const ECS_ONLY = new Set(['ecs.version', 'event.dataset', 'client.ip', 'process.pid', 'host.hostname']);
const ECS_CUSTOM_PREFIX = 'ciphernest.';

/** An ECS record in the app's own field names, so every filter and the readable output work alike. */
function fromEcs(record) {
  if (record['ecs.version'] === undefined) return record;
  const plain = {};
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith(ECS_CUSTOM_PREFIX)) plain[key.slice(ECS_CUSTOM_PREFIX.length)] = value;
    else if (FROM_ECS[key] !== undefined) plain[FROM_ECS[key]] = value;
    else if (!ECS_ONLY.has(key)) plain[key] = value;
  }
  return plain;
}
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

class UsageError extends Error {}

/** docs/protocol.md §1: names compare by their key (trimmed, NFC, lower-cased). */
function nameKey(name) {
  return name.trim().normalize('NFC').toLowerCase();
}

function parseTime(option, text, now) {
  const duration = DURATION.exec(text);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2]];
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${option} takes an ISO-8601 time or a duration such as 15m (got "${text}")`);
  return ms;
}

function parseLevel(text) {
  const level = LEVELS[text.toLowerCase()] ?? (/^\d+$/.test(text) ? Number(text) : undefined);
  if (level === undefined) throw new UsageError(`--level takes one of ${Object.keys(LEVELS).join(', ')} (got "${text}")`);
  return level;
}

/** Addresses and ranges for --ip: exact matches for hashed values, a BlockList for the rest. */
function addressMatcher(values) {
  const blocks = new BlockList();
  const exact = new Set();
  for (const value of values) {
    const [address, prefix, extra] = value.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || extra !== undefined) {
      if (prefix !== undefined) throw new UsageError(`--ip takes an address, a CIDR range or a hashed value (got "${value}")`);
      exact.add(value);
      continue;
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) {
      blocks.addAddress(address, type);
    } else {
      const bits = Number(prefix);
      if (!/^\d+$/.test(prefix) || bits > (family === 6 ? 128 : 32)) throw new UsageError(`--ip: bad prefix length in "${value}"`);
      blocks.addSubnet(address, bits, type);
    }
  }
  return (ip) => {
    if (typeof ip !== 'string') return false;
    if (exact.has(ip)) return true;
    const family = isIP(ip);
    return family !== 0 && blocks.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}

function eventMatcher(values) {
  const patterns = values.map((value) =>
    value.endsWith('.*') || value.endsWith('*') ? ((event) => event.startsWith(value.replace(/\*$/, ''))) : (event) => event === value,
  );
  return (event) => typeof event === 'string' && patterns.some((matches) => matches(event));
}

const OPTIONS = {
  room: { type: 'string', multiple: true, default: [] },
  user: { type: 'string', multiple: true, default: [] },
  ip: { type: 'string', multiple: true, default: [] },
  event: { type: 'string', multiple: true, default: [] },
  request: { type: 'string', multiple: true, default: [] },
  level: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  json: { type: 'boolean', default: false },
  color: { type: 'boolean' },
  colour: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'no-colour': { type: 'boolean' },
  follow: { type: 'boolean', short: 'f', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

/** The last of --color / --no-color (and their British spellings) wins, as on most tools. */
function colorChoice(tokens) {
  const last = tokens.filter((token) => token.kind === 'option' && /^(no-)?colou?r$/.test(token.name)).at(-1);
  return last === undefined ? undefined : !last.name.startsWith('no-');
}

/** Reads the command line; throws UsageError. */
function readOptions(argv, now = Date.now()) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    if (typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(error.message);
    throw error;
  }
  const { values, positionals, tokens } = parsed;
  const list = (given) => given.flatMap((value) => value.split(',')).map((item) => item.trim()).filter((item) => item.length > 0);
  if (positionals.length > 1) throw new UsageError('give at most one FILE');
  const file = positionals[0] === '-' ? undefined : positionals[0];
  if (values.follow && file === undefined) throw new UsageError('--follow needs a FILE (standard input is followed anyway)');
  return {
    rooms: list(values.room).map(nameKey),
    users: list(values.user).map(nameKey),
    ips: list(values.ip),
    events: list(values.event),
    requests: list(values.request),
    level: values.level === undefined ? undefined : parseLevel(values.level),
    since: values.since === undefined ? undefined : parseTime('--since', values.since, now),
    until: values.until === undefined ? undefined : parseTime('--until', values.until, now),
    json: values.json,
    follow: values.follow,
    color: colorChoice(tokens),
    file,
    help: values.help,
  };
}

/** A predicate over parsed records: every filter given must match. */
function recordFilter(options) {
  const checks = [];
  if (options.rooms.length > 0) checks.push((record) => typeof record.room === 'string' && options.rooms.includes(nameKey(record.room)));
  if (options.users.length > 0) checks.push((record) => typeof record.user === 'string' && options.users.includes(nameKey(record.user)));
  if (options.ips.length > 0) {
    const matches = addressMatcher(options.ips);
    checks.push((record) => matches(record.ip));
  }
  if (options.events.length > 0) {
    const matches = eventMatcher(options.events);
    checks.push((record) => matches(record.event));
  }
  if (options.requests.length > 0) {
    // reqId on the app's lines (and nginx's); req.id on its http.request lines.
    checks.push((record) => options.requests.includes(record.reqId) || options.requests.includes(record.req?.id));
  }
  if (options.level !== undefined) checks.push((record) => (typeof record.level === 'number' ? record.level : LEVELS[record.level] ?? 0) >= options.level);
  if (options.since !== undefined || options.until !== undefined) {
    checks.push((record) => {
      const at = typeof record.time === 'number' ? record.time : Date.parse(record.time);
      if (Number.isNaN(at)) return false;
      return (options.since === undefined || at >= options.since) && (options.until === undefined || at < options.until);
    });
  }
  return { active: checks.length > 0, matches: (record) => checks.every((check) => check(record)) };
}

/** The JSON record in a line, also behind a "app-1  | " prefix as docker compose writes it. */
function parseLine(line) {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(line.slice(start));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { record: fromEcs(parsed), json: line.slice(start) } : undefined;
  } catch {
    return undefined;
  }
}

/** --color/--no-color, else NO_COLOR and FORCE_COLOR (https://no-color.org), else whether stdout is a terminal. */
function wantsColor(options) {
  if (options.color !== undefined) return options.color;
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return process.env.FORCE_COLOR !== '0';
  return process.stdout.isTTY === true && process.env.TERM !== 'dumb';
}

function writer(options) {
  const colorize = wantsColor(options);
  const pretty = pinoPretty.prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l',
    messageKey: 'msg',
    messageFormat: '{if event}{event}: {end}{msg}',
    ignore: 'service,pid,hostname,event',
  });
  const filter = recordFilter(options);
  return (line) => {
    const parsed = parseLine(line);
    if (!parsed) return filter.active ? '' : `${line}\n`;
    if (!filter.matches(parsed.record)) return '';
    return options.json ? `${parsed.json}\n` : pretty(parsed.record);
  };
}

function out(text) {
  if (text.length > 0) process.stdout.write(text);
}

function readStream(stream, format) {
  return new Promise((resolveRead, rejectRead) => {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => out(format(line)));
    lines.on('close', resolveRead);
    stream.on('error', rejectRead);
  });
}

/** tail -f: reads what is there, then what is appended; starts over when the file shrinks (rotation). */
function follow(file, format) {
  let position = 0;
  let partial = '';
  const buffer = Buffer.alloc(64 * 1024);
  const drain = () => {
    let size;
    try {
      size = statSync(file).size;
    } catch {
      return;
    }
    if (size < position) {
      position = 0;
      partial = '';
    }
    if (size === position) return;
    const fd = openSync(file, 'r');
    try {
      for (;;) {
        const read = readSync(fd, buffer, 0, buffer.length, position);
        if (read === 0) break;
        position += read;
        const text = partial + buffer.subarray(0, read).toString('utf8');
        const pieces = text.split('\n');
        partial = pieces.pop() ?? '';
        for (const line of pieces) out(format(line));
      }
    } finally {
      closeSync(fd);
    }
  };
  drain();
  setInterval(drain, 250);
}

async function main() {
  let options;
  let format;
  try {
    options = readOptions(process.argv.slice(2));
    format = writer(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`logs: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  if (options.follow) {
    follow(options.file, format);
    return;
  }
  const input = options.file === undefined ? process.stdin : createReadStream(options.file);
  try {
    await readStream(input, format);
  } catch (error) {
    process.stderr.write(`logs: cannot read ${options.file ?? 'standard input'}: ${error.message}\n`);
    process.exit(1);
  }
}

await main();
