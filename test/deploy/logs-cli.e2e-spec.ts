import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientEvent } from '@ciphernest/protocol';
import { newId, postSession, randomBox, randomVerifier, setUpRoom, uniqueRoomName } from '../support/builders';
import { closeAllClients } from '../support/chat-client';
import { REPO_ROOT, ServerProcess } from '../support/server-process';

// `npm run logs` (scripts/logs.mjs): filters a captured log by room, user, address, event and
// time, from a file or standard input, readable (pino-pretty) or as JSON lines.

const SCRIPT = join(REPO_ROOT, 'scripts', 'logs.mjs');
/** An ANSI colour escape (ESC [ n m). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function logs(args: string[], input?: string, env: Record<string, string> = {}): Run {
  const inherited = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'TERM']) delete inherited[name];
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { input, encoding: 'utf8', env: { ...inherited, ...env }, timeout: 15_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const now = Date.now();
const at = (minutesAgo: number): string => new Date(now - minutesAgo * 60_000).toISOString();
const record = (minutesAgo: number, fields: Record<string, unknown>): string =>
  JSON.stringify({ level: 'info', time: at(minutesAgo), service: 'ciphernest', msg: 'm', ...fields });

/** A small log with every kind of line an admin meets; each record's `n` names it. */
const SAMPLE = [
  record(115, { n: 1, event: 'server.started', port: 3000 }),
  record(90, { n: 2, event: 'room.created', room: 'Team room', user: 'Alice', ip: '203.0.113.7' }),
  record(80, { n: 3, event: 'session.created', room: 'team ROOM', user: 'bob', ip: '203.0.113.8', creator: false }),
  'CipherNest: a line that is not JSON',
  record(70, { n: 4, event: 'session.rejected', room: 'Team room', user: 'eve', ip: '198.51.100.9', reason: 'BAD_CREDENTIALS' }),
  record(60, { n: 5, event: 'socket.rejected', ip: '198.51.100.9', reason: 'IP_MISMATCH' }),
  record(50, { n: 6, level: 'warn', event: 'rate.limited', ip: '2001:db8::1', limit: 'connects' }),
  record(40, { n: 7, event: 'room.created', room: 'Café', user: 'Zoë', ip: 'h:0123456789abcdef' }),
  `app-1  | ${record(30, { n: 8, event: 'session.ended', room: 'Cafe\u0301', user: 'Zoe\u0308', reason: 'left' })}`,
  record(20, { n: 9, level: 'error', event: 'http.error', path: '/api/rooms' }),
  record(10, { n: 10, event: 'room.deleted', room: 'Team room' }),
  record(9, { n: 11, event: 'http.request', reqId: 'f81d4fae7dec11d0a76500a0c91e6bf6', req: { id: 'f81d4fae7dec11d0a76500a0c91e6bf6', method: 'POST', path: '/api/rooms' }, res: { statusCode: 500 } }),
  record(9, { n: 12, level: 'error', event: 'http.error', reqId: 'f81d4fae7dec11d0a76500a0c91e6bf6', path: '/api/rooms' }),
  // nginx's access log (docker/nginx/ciphernest.conf.template) for the same request.
  JSON.stringify({ n: 13, time: at(9), service: 'nginx', event: 'proxy.request', reqId: 'f81d4fae7dec11d0a76500a0c91e6bf6', req: { method: 'POST', path: '/api/rooms' }, res: { statusCode: 500 } }),
  record(8, { n: 14, event: 'socket.connected', reqId: 'handshake-1', room: 'Team room', user: 'Alice' }),
  '',
].join('\n');

/** The `n` of each record printed by a --json run. */
function picked(args: string[]): number[] {
  const run = logs([...args, '--json'], SAMPLE);
  expect(run.status).toBe(0);
  return jsonLines(run.stdout).map((line) => line['n'] as number);
}

describe('npm run logs (scripts/logs.mjs)', () => {
  let dir: string;
  let file: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ciphernest-logs-'));
    file = join(dir, 'app.log');
    writeFileSync(file, SAMPLE);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file argument and standard input alike', () => {
    const fromFile = logs(['--room', 'team room', '--json', file]);
    const fromStdin = logs(['--room', 'team room', '--json'], SAMPLE);
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toBe(fromStdin.stdout);
    expect(jsonLines(fromFile.stdout).length).toBe(5);
  });

  it('--room: a room by its name in any case and normal form', () => {
    expect(picked(['--room', 'TEAM Room'])).toEqual([2, 3, 4, 10, 14]);
    expect(picked(['--room', 'café'])).toEqual([7, 8]);
  });

  it('--user: a username in any case; repeating a filter accepts either value', () => {
    expect(picked(['--user', 'alice'])).toEqual([2, 14]);
    expect(picked(['--user', 'ALICE', '--user', 'bob'])).toEqual([2, 3, 14]);
    expect(picked(['--user', 'zoë'])).toEqual([7, 8]);
  });

  it('--ip: an address, a CIDR range (IPv4 or IPv6), or a hashed value', () => {
    expect(picked(['--ip', '198.51.100.9'])).toEqual([4, 5]);
    expect(picked(['--ip', '203.0.113.0/24'])).toEqual([2, 3]);
    expect(picked(['--ip', '2001:db8::/32'])).toEqual([6]);
    expect(picked(['--ip', 'h:0123456789abcdef'])).toEqual([7]);
    expect(picked(['--ip', '203.0.113.70'])).toEqual([]);
  });

  it('--event: one event, a family, or a list', () => {
    expect(picked(['--event', 'room.created'])).toEqual([2, 7]);
    expect(picked(['--event', 'session.*'])).toEqual([3, 4, 8]);
    expect(picked(['--event', 'session.rejected,socket.rejected'])).toEqual([4, 5]);
  });

  it('--request: every line of one request, the app\'s and nginx\'s, or of one handshake; a list for several', () => {
    expect(picked(['--request', 'f81d4fae7dec11d0a76500a0c91e6bf6'])).toEqual([11, 12, 13]);
    expect(picked(['--request', 'handshake-1'])).toEqual([14]);
    expect(picked(['--request', 'handshake-1,f81d4fae7dec11d0a76500a0c91e6bf6', '--event', 'socket.*'])).toEqual([14]);
    expect(picked(['--request', 'f81d4fae'])).toEqual([]);
  });

  it('reads LOG_FORMAT=ecs lines with the same filters, and prints them as the others', () => {
    const ecs = [
      JSON.stringify({ 'log.level': 'info', '@timestamp': at(3), 'ecs.version': '8.10.0', 'service.name': 'ciphernest', 'event.dataset': 'ciphernest', 'http.request.id': 'ecs-req-1', 'event.action': 'room.created', 'user.name': 'Alice', 'client.address': '203.0.113.7', 'client.ip': '203.0.113.7', 'ciphernest.room': 'Team room', message: 'room created' }),
      JSON.stringify({ 'log.level': 'warn', '@timestamp': at(2), 'ecs.version': '8.10.0', 'service.name': 'ciphernest', 'event.action': 'rate.limited', 'client.address': '198.51.100.9', message: 'rate limit hit' }),
      '',
    ].join('\n');
    const pick = (args: string[]) => jsonLines(logs([...args, '--json'], ecs).stdout).map((line) => line['event.action']);
    expect(pick(['--request', 'ecs-req-1'])).toEqual(['room.created']);
    expect(pick(['--room', 'TEAM ROOM', '--user', 'alice', '--ip', '203.0.113.0/24'])).toEqual(['room.created']);
    expect(pick(['--level', 'warn', '--event', 'rate.*', '--since', '5m'])).toEqual(['rate.limited']);
    const readable = logs(['--request', 'ecs-req-1', '--no-color'], ecs).stdout.trim();
    expect(readable).toBe(`[${at(3).replace('T', ' ').replace('Z', '')}] INFO: room.created: room created {"reqId":"ecs-req-1","user":"Alice","ip":"203.0.113.7","room":"Team room"}`);
  });

  it('--since and --until: ISO-8601 times or durations back from now', () => {
    expect(picked(['--since', at(45)])).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(picked(['--since', '45m'])).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(picked(['--since', '2h', '--until', '65m'])).toEqual([1, 2, 3, 4]);
  });

  it('takes a value after "=" too, and "-" for standard input', () => {
    expect(picked(['--room=TEAM Room', '--event=session.*', '-'])).toEqual([3, 4]);
  });

  it('--level: that level and above', () => {
    expect(picked(['--level', 'warn'])).toEqual([6, 9, 12]);
  });

  it('combines different filters with AND', () => {
    expect(picked(['--room', 'team room', '--event', 'session.*', '--ip', '198.51.100.0/24'])).toEqual([4]);
  });

  it('keeps lines that are not JSON when nothing is filtered, and drops them when something is', () => {
    expect(logs(['--json'], SAMPLE).stdout).toContain('CipherNest: a line that is not JSON');
    expect(logs(['--event', 'room.created'], SAMPLE).stdout).not.toContain('not JSON');
  });

  it('prints --json lines unchanged, without the docker compose prefix', () => {
    const lines = logs(['--json', '--event', 'session.ended'], SAMPLE).stdout.trim().split('\n');
    expect(lines).toEqual([SAMPLE.split('\n')[8]!.replace('app-1  | ', '')]);
  });

  it('prints readable lines through pino-pretty: time, level, event and message, then the fields', () => {
    const run = logs(['--event', 'session.rejected', '--no-color'], SAMPLE);
    expect(run.stdout.trim()).toBe(`[${at(70).replace('T', ' ').replace('Z', '')}] INFO: session.rejected: m {"n":4,"room":"Team room","user":"eve","ip":"198.51.100.9","reason":"BAD_CREDENTIALS"}`);
  });

  it('colours on request (--color or FORCE_COLOR), and not otherwise when the output is not a terminal', () => {
    expect(logs(['--event', 'rate.limited', '--color'], SAMPLE).stdout).toMatch(ANSI);
    expect(logs(['--event', 'rate.limited'], SAMPLE, { FORCE_COLOR: '1' }).stdout).toMatch(ANSI);
    expect(logs(['--event', 'rate.limited'], SAMPLE).stdout).not.toMatch(ANSI);
    expect(logs(['--event', 'rate.limited'], SAMPLE, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toMatch(ANSI);
    expect(logs(['--event', 'rate.limited', '--color', '--no-color'], SAMPLE).stdout).not.toMatch(ANSI);
  });

  it.each([
    [['--room']],
    [['--since', 'yesterday-ish']],
    [['--level', 'loud']],
    [['--ip', '10.0.0.0/99']],
    [['--frobnicate']],
    [['--follow']],
  ])('refuses %p with exit status 2 and the usage', (args) => {
    const run = logs(args, '');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage: npm run logs');
  });

  it('refuses a second FILE and a value that starts with "-" unless it follows "="', () => {
    expect(logs(['--json', file, file], '').status).toBe(2);
    expect(logs(['--user', '-bob'], '').status).toBe(2);
    expect(logs(['--user=-bob'], '').status).toBe(0);
  });

  it('--follow: prints what is appended to the file as it comes', async () => {
    const followed = join(dir, 'followed.log');
    writeFileSync(followed, `${record(5, { n: 1, event: 'room.created', room: 'Followed' })}\n`);
    const child = spawn(process.execPath, [SCRIPT, '--follow', '--json', '--room', 'followed', followed], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const waitFor = async (count: number): Promise<void> => {
      const deadline = Date.now() + 5_000;
      while (jsonLines(output).length < count) {
        if (Date.now() > deadline) throw new Error(`--follow printed ${output}`);
        await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
      }
    };
    try {
      await waitFor(1);
      appendFileSync(followed, `${record(1, { n: 2, event: 'room.created', room: 'Elsewhere' })}\n${record(0, { n: 3, event: 'room.deleted', room: 'FOLLOWED' })}\n`);
      await waitFor(2);
      expect(jsonLines(output).map((line) => line['n'])).toEqual([1, 3]);
    } finally {
      child.kill('SIGTERM');
    }
  });

  describe('on a log captured from the real server', () => {
    afterAll(closeAllClients);

    it('follows one room and one address through a conversation', async () => {
      const server = await ServerProcess.start({ DISCONNECT_GRACE_MS: '60000', LOG_LEVEL: 'debug' });
      let room: string;
      let eveAddress: string;
      let eveRequest: string;
      try {
        const setUp = await setUpRoom(server, ['alice', 'bob'], { room: uniqueRoomName('Followed Room') });
        room = setUp.room;
        await setUpRoom(server, ['carol']);
        expect((await setUp.clients[0]!.emitWithAck(ClientEvent.Message, { id: newId(), box: randomBox() })).ok).toBe(true);
        const refused = await postSession(server, room, { username: 'eve', verifier: randomVerifier() });
        expect(refused.status).toBe(401);
        eveRequest = refused.body.requestId as string;
        expect(refused.headers['x-request-id']).toBe(eveRequest);
        eveAddress = (await server.waitForLog((line) => line.event === 'session.rejected'))['ip'] as string;
        closeAllClients();
        expect((await server.stop('SIGTERM')).code).toBe(0);
      } finally {
        await server.kill();
      }
      const captured = server.allLines().filter((line) => line.stream === 'stdout').map((line) => line.raw).join('\n');

      const roomRecords = jsonLines(logs(['--room', room.toUpperCase(), '--json'], captured).stdout);
      const expected = server.logs().filter((line) => typeof line['room'] === 'string' && (line['room'] as string).toLowerCase() === room.toLowerCase());
      expect(roomRecords).toEqual(expected);
      expect(roomRecords.map((line) => line['event'])).toEqual(
        expect.arrayContaining(['room.created', 'session.created', 'socket.connected', 'message.relayed', 'session.rejected', 'socket.disconnected']),
      );

      const eveRecords = jsonLines(logs(['--ip', eveAddress, '--event', 'session.rejected', '--json'], captured).stdout);
      expect(eveRecords.map((line) => [line['user'], line['reason']])).toEqual([['eve', 'BAD_CREDENTIALS']]);

      // The "Reference:" a person reads under the error finds the request's lines.
      const requestRecords = jsonLines(logs(['--request', eveRequest, '--json'], captured).stdout);
      expect(requestRecords.map((line) => line['event']).sort()).toEqual(['http.request', 'session.rejected']);
      expect(requestRecords.every((line) => line['reqId'] === eveRequest)).toBe(true);

      const readable = logs(['--room', room, '--event', 'room.created'], captured).stdout;
      expect(readable).toContain('room.created: room created {');
      expect(readable).toContain(`"room":"${room}","user":"alice"`);
    });
  });
});
