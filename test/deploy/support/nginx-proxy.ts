import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from '../../support/server-process';
import type { Certificate } from './tls-certificate';

export const NGINX_TEMPLATE = join(REPO_ROOT, 'docker', 'nginx', 'ciphernest.conf.template');
export const RENDER_SCRIPT = join(REPO_ROOT, 'docker', 'scripts', 'render-nginx-config.mjs');

/** Debian's nginx (installed by .ci/run). Missing nginx fails the suite loudly: these tests are never skipped. */
export function nginxBinary(): string {
  const candidates = [...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'nginx')), '/usr/sbin/nginx'];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `nginx is not installed, and the deployment tests need it${process.env['CI'] ? ' (CI=true: .ci/run must install the Debian package nginx)' : ''}. ` +
        'Install it with: apt-get install -y nginx openssl',
    );
  }
  return found;
}

export { freePort } from '../../../apps/server/src/testing/free-port';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

export interface ProxyOptions {
  /** The app's port on 127.0.0.1. */
  upstreamPort: number;
  certificate: Certificate;
}

/** Renders the project's nginx template as an admin would (docker/scripts/render-nginx-config.mjs). */
export function renderSiteConfig(variables: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('CIPHERNEST_')) delete env[name];
  const result = spawnSync(process.execPath, [RENDER_SCRIPT, '--template', NGINX_TEMPLATE], { env: { ...env, ...variables }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const running = new Set<NginxProxy>();

/**
 * Debian's nginx running the project's own site configuration (docker/nginx), rendered for
 * loopback ports, in a temporary prefix directory of its own. The master runs in the foreground
 * as a child of the test; stop() and start() restart it on the same ports.
 */
export class NginxProxy {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly prefix: string,
    readonly httpPort: number,
    readonly httpsPort: number,
  ) {}

  /** The public origin clients use and the app allows (ALLOWED_ORIGINS). */
  static originFor(httpsPort: number): string {
    return `https://127.0.0.1:${httpsPort}`;
  }

  get origin(): string {
    return NginxProxy.originFor(this.httpsPort);
  }

  get httpOrigin(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get configPath(): string {
    return join(this.prefix, 'nginx.conf');
  }

  /** Renders the configuration, checks it with `nginx -t`, and starts nginx on the given (free) ports. */
  static async start(options: ProxyOptions & { httpPort: number; httpsPort: number }): Promise<NginxProxy> {
    const prefix = mkdtempSync(join(tmpdir(), 'ciphernest-nginx-'));
    // Worker processes (nobody, when the test runs as root) must reach the temp directories.
    chmodSync(prefix, 0o755);
    mkdirSync(join(prefix, 'temp'));
    const proxy = new NginxProxy(prefix, options.httpPort, options.httpsPort);
    const site = renderSiteConfig({
      CIPHERNEST_PUBLIC_ORIGIN: proxy.origin,
      CIPHERNEST_HTTP_LISTEN: `127.0.0.1:${options.httpPort}`,
      CIPHERNEST_HTTPS_LISTEN: `127.0.0.1:${options.httpsPort}`,
      CIPHERNEST_UPSTREAM: `127.0.0.1:${options.upstreamPort}`,
      CIPHERNEST_TLS_CERT: options.certificate.certPath,
      CIPHERNEST_TLS_KEY: options.certificate.keyPath,
      CIPHERNEST_ACCESS_LOG: join(prefix, 'access.log'),
    });
    if (site.status !== 0) throw new Error(`rendering the nginx configuration failed: ${site.stderr}`);
    writeFileSync(join(prefix, 'ciphernest.conf'), site.stdout);
    writeFileSync(proxy.configPath, proxy.mainConfig());
    const check = proxy.nginx(['-t']);
    if (check.status !== 0) throw new Error(`nginx -t refused the configuration:\n${check.stderr}`);
    running.add(proxy);
    try {
      await proxy.start();
    } catch (error) {
      await proxy.dispose();
      throw error;
    }
    return proxy;
  }

  /** Starts the nginx master (again, after stop()) and resolves once both ports accept connections. */
  async start(timeoutMs = 10_000): Promise<void> {
    if (this.child) throw new Error('nginx is already running');
    const child = spawn(nginxBinary(), [...this.baseArgs(), '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    this.child = child;
    this.exited = new Promise((resolveExit) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolveExit();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (!((await canConnect(this.httpsPort)) && (await canConnect(this.httpPort)))) {
      if (!this.child) throw new Error(`nginx exited at start:\n${output}\n${this.errorLog()}`);
      if (Date.now() > deadline) throw new Error(`nginx did not listen within ${timeoutMs} ms:\n${output}\n${this.errorLog()}`);
      await delay(25);
    }
  }

  /** `nginx -s reload`, resolved once a new worker has started with the re-read configuration. */
  async reload(timeoutMs = 10_000): Promise<void> {
    const workersBefore = this.startedWorkers();
    // Asynchronously, so the test's clients keep talking while nginx handles the signal.
    await new Promise<void>((resolveReload, rejectReload) =>
      execFile(nginxBinary(), [...this.baseArgs(), '-s', 'reload'], (error, _stdout, stderr) =>
        error ? rejectReload(new Error(`nginx -s reload failed: ${stderr}`)) : resolveReload(),
      ),
    );
    const deadline = Date.now() + timeoutMs;
    while (this.startedWorkers() <= workersBefore) {
      if (Date.now() > deadline) throw new Error(`no new nginx worker within ${timeoutMs} ms of the reload:\n${this.errorLog()}`);
      await delay(25);
    }
  }

  /** `nginx -s stop` (fast shutdown: every connection is cut), resolved once the master has exited. */
  async stop(): Promise<void> {
    if (!this.child) return;
    const result = this.nginx(['-s', 'stop']);
    if (result.status !== 0) this.child?.kill('SIGTERM');
    await this.exited;
  }

  accessLog(): string {
    const path = join(this.prefix, 'access.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  /**
   * The access-log lines (JSON) that match, once at least `atLeast` have been written: nginx writes
   * a request's line after it has sent the answer, so a client may read the answer first.
   */
  async waitForAccessLines<T>(predicate: (record: T) => boolean, atLeast = 1, timeoutMs = 5_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.accessLog()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as T)
        .filter(predicate);
      if (lines.length >= atLeast) return lines;
      if (Date.now() > deadline) throw new Error(`${lines.length} matching access-log lines (of ${atLeast}) within ${timeoutMs} ms`);
      await delay(25);
    }
  }

  errorLog(): string {
    const path = join(this.prefix, 'error.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  /** Stops nginx if it runs and removes its prefix directory. */
  async dispose(): Promise<void> {
    if (this.child) {
      // SIGTERM, not SIGKILL: the master then takes its workers down with it.
      this.child.kill('SIGTERM');
      const late = setTimeout(() => this.child?.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(late);
    }
    running.delete(this);
    rmSync(this.prefix, { recursive: true, force: true });
  }

  /** Runs the nginx binary against this configuration (`-t`, `-s reload`, ...). */
  nginx(args: string[]): { status: number | null; stderr: string } {
    const result = spawnSync(nginxBinary(), [...this.baseArgs(), ...args], { encoding: 'utf8' });
    return { status: result.status, stderr: `${result.stdout}${result.stderr}` };
  }

  private baseArgs(): string[] {
    return ['-p', this.prefix, '-c', this.configPath, '-e', join(this.prefix, 'error.log')];
  }

  private startedWorkers(): number {
    return (this.errorLog().match(/start worker process/g) ?? []).length;
  }

  /** The main context a distribution's nginx.conf would give; the site file is the project's own. */
  private mainConfig(): string {
    const temp = join(this.prefix, 'temp');
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    return [
      asRoot ? 'user nobody nogroup;' : '',
      'worker_processes 1;',
      `pid ${join(this.prefix, 'nginx.pid')};`,
      `error_log ${join(this.prefix, 'error.log')} info;`,
      'events { worker_connections 512; }',
      'http {',
      `  client_body_temp_path ${temp}/body;`,
      `  proxy_temp_path ${temp}/proxy;`,
      `  fastcgi_temp_path ${temp}/fastcgi;`,
      `  uwsgi_temp_path ${temp}/uwsgi;`,
      `  scgi_temp_path ${temp}/scgi;`,
      `  include ${join(this.prefix, 'ciphernest.conf')};`,
      '}',
      '',
    ].join('\n');
  }
}

/** Kills every nginx this test file started and has not disposed of. */
export async function disposeAllProxies(): Promise<void> {
  await Promise.all([...running].map((proxy) => proxy.dispose()));
}

process.once('exit', () => {
  for (const proxy of running) {
    try {
      const pid = Number(readFileSync(join(proxy.prefix, 'nginx.pid'), 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});
