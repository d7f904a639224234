import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The repository root: the server is started from there, as in production. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** The built server; override with CIPHERNEST_SERVER_ENTRY to test another build. */
export const SERVER_ENTRY = resolve(REPO_ROOT, process.env['CIPHERNEST_SERVER_ENTRY'] ?? 'dist/apps/server/main.js');

/** Every variable the server reads (DESIGN.md "Configuration", docs/protocol.md §7): never inherited from the caller. */
const SERVER_VARIABLES = [
  'PORT', 'HOST', 'TRUST_PROXY', 'TLS_CERT', 'TLS_KEY', 'LOG_LEVEL', 'LOG_FORMAT', 'STORE', 'REDIS_URL',
  'TOKEN_SECRET', 'ROOM_DIRECTORY', 'ALLOWED_ORIGINS', 'LOG_IP', 'METRICS_TOKEN', 'DISCONNECT_GRACE_MS',
  'MAX_MESSAGE_BYTES', 'MAX_BUFFERED_BYTES', 'MAX_MEMBERS_PER_ROOM', 'MAX_ROOMS', 'RATE_CREATES_PER_MIN',
  'RATE_JOINS_PER_MIN', 'RATE_FAILED_JOINS_PER_MIN', 'RATE_LOOKUPS_PER_MIN', 'RATE_CONNECTS_PER_MIN',
  'RATE_MESSAGES_PER_SEC', 'RATE_MESSAGES_BURST', 'PUBLIC_ORIGIN', 'NODE_OPTIONS',
  'IPV6_PREFIX_LENGTH', 'MAX_ROOMS_PER_ADDRESS', 'MAX_SESSIONS_PER_ADDRESS', 'MAX_CONNECTIONS_PER_ADDRESS',
  'REPLAY_MS', 'REPLAY_MAX_BYTES', 'REPLAY_MAX_TOTAL_BYTES', 'SHUTDOWN_DRAIN_MS',
];

const BASE_ENV: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'debug',
  LOG_FORMAT: 'json',
};

export type ServerEnv = Record<string, string>;

/** One line the server wrote; `json` is set when the line parses as a JSON object. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  raw: string;
  json?: LogRecord;
}

export interface LogRecord {
  event?: string;
  level?: string | number;
  [field: string]: unknown;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function childEnv(env: ServerEnv): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVER_VARIABLES) delete inherited[name];
  return { ...inherited, ...BASE_ENV, ...env };
}

function assertBuilt(): void {
  if (!existsSync(SERVER_ENTRY)) {
    throw new Error(`The server is not built: ${SERVER_ENTRY} is missing (the e2e suite never builds it).`);
  }
}

const running = new Set<ServerProcess>();

/** A built server running as a child process, with everything it printed. */
export class ServerProcess {
  private readonly lines: LogLine[] = [];
  private readonly partial = { stdout: '', stderr: '' };
  private readonly listeners = new Set<() => void>();
  private exitStatus: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
  private portNumber = 0;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.collect('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.collect('stderr', chunk));
    this.exited = new Promise((resolveExit) => {
      // 'close' rather than 'exit': it comes once the pipes have drained, so no output is lost.
      child.on('close', (code, signal) => {
        this.flush('stdout');
        this.flush('stderr');
        this.exitStatus = { code, signal };
        running.delete(this);
        this.notify();
        resolveExit(this.exitStatus);
      });
    });
  }

  /**
   * Starts the server and resolves once it logged `server.started`. `launcher` is a command that
   * runs node for it (e.g. `nsenter --net=...` to start it in a network namespace).
   */
  static async start(env: ServerEnv = {}, timeoutMs = 20_000, launcher: readonly string[] = []): Promise<ServerProcess> {
    const server = ServerProcess.spawn(env, launcher);
    try {
      // LOG_FORMAT=ecs names the same fields event.action and ciphernest.port.
      const started = await server.waitForLog((line) => (line.event ?? line['event.action']) === 'server.started', timeoutMs);
      const port = Number(started['port'] ?? started['ciphernest.port']);
      if (!Number.isInteger(port) || port <= 0) throw new Error(`server.started carries no usable port: ${JSON.stringify(started)}`);
      server.portNumber = port;
      return server;
    } catch (error) {
      await server.kill();
      throw new Error(`The server did not start: ${(error as Error).message}\n--- output ---\n${server.output()}`);
    }
  }

  /** Spawns the server without waiting for anything (for configurations that must fail). */
  static spawn(env: ServerEnv = {}, launcher: readonly string[] = []): ServerProcess {
    assertBuilt();
    const [command = process.execPath, ...args] = [...launcher, process.execPath, SERVER_ENTRY];
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child);
    running.add(server);
    return server;
  }

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitStatus !== undefined;
  }

  /** Every line printed so far, stdout and stderr. */
  allLines(): LogLine[] {
    return [...this.lines];
  }

  /** The JSON records printed on stdout so far. */
  logs(): LogRecord[] {
    return this.lines.filter((line) => line.stream === 'stdout' && line.json).map((line) => line.json as LogRecord);
  }

  /** Everything printed so far, as text. */
  output(): string {
    const pending = [this.partial.stdout, this.partial.stderr].filter((text) => text.length > 0);
    return [...this.lines.map((line) => line.raw), ...pending].join('\n');
  }

  /** Resolves with the first JSON record (already printed or to come) that matches. */
  waitForLog(predicate: (record: LogRecord) => boolean, timeoutMs = 5_000): Promise<LogRecord> {
    return new Promise((resolveLog, rejectLog) => {
      const check = (): boolean => {
        const found = this.logs().find(predicate);
        if (found) {
          finish();
          resolveLog(found);
          return true;
        }
        if (this.exitStatus) {
          finish();
          rejectLog(new Error(`the server exited (${JSON.stringify(this.exitStatus)}) before the awaited log line`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        rejectLog(new Error(`no matching log line within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  /** Sends the signal and resolves with the exit status; kills the process if it outlives `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5_000): Promise<ExitStatus & { killed: boolean }> {
    if (this.exitStatus) return { ...this.exitStatus, killed: false };
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.exited.then((status) => ({ ...status, killed: false })),
      new Promise<undefined>((resolveLate) => (timer = setTimeout(() => resolveLate(undefined), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome) return outcome;
    await this.kill();
    return { ...(await this.exited), killed: true };
  }

  /** SIGKILL, for cleanup. */
  async kill(): Promise<void> {
    if (this.exitStatus) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private collect(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.partial[stream] + chunk;
    const pieces = text.split('\n');
    this.partial[stream] = pieces.pop() ?? '';
    for (const raw of pieces) this.push(stream, raw);
    this.notify();
  }

  private flush(stream: 'stdout' | 'stderr'): void {
    if (this.partial[stream].length > 0) this.push(stream, this.partial[stream]);
    this.partial[stream] = '';
  }

  private push(stream: 'stdout' | 'stderr', raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.length === 0) return;
    let json: LogRecord | undefined;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as LogRecord;
    } catch {
      json = undefined;
    }
    this.lines.push({ stream, raw: line, json });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Kills every server this test file started and has not stopped. */
export async function killAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.kill()));
}

// A last resort should a test file end without its afterAll (a crash, a timeout).
process.once('exit', () => {
  for (const server of running) {
    if (server.pid === undefined || server.hasExited) continue;
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts one server for the enclosing describe block (beforeAll) and kills it afterwards.
 * Returns a getter, since the server exists only once beforeAll has run.
 */
export function useServer(env: ServerEnv = {}): () => ServerProcess {
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    server = await ServerProcess.start(env);
  });
  afterAll(async () => {
    await server?.kill();
  });
  return () => {
    if (!server) throw new Error('the server of this block has not started');
    return server;
  };
}

/** Runs the server with a configuration expected to fail, and returns how it ended. */
export async function runUntilExit(env: ServerEnv, timeoutMs = 15_000): Promise<ExitStatus & { output: string; stderr: string; timedOut: boolean }> {
  const server = ServerProcess.spawn(env);
  let timer: NodeJS.Timeout | undefined;
  const status = await Promise.race([
    server.exited,
    new Promise<undefined>((resolveLate) => (timer = setTimeout(() => resolveLate(undefined), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!status) await server.kill();
  const stderr = server.allLines().filter((line) => line.stream === 'stderr').map((line) => line.raw).join('\n');
  return { ...(await server.exited), output: server.output(), stderr, timedOut: !status };
}
