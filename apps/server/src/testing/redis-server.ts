import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

/** Debian's redis-server package, which `.ci/run` installs; REDIS_SERVER_PATH points elsewhere. */
export const REDIS_SERVER_PATH = process.env['REDIS_SERVER_PATH'] ?? '/usr/bin/redis-server';

/**
 * A real redis-server of the tests' own, on a free loopback port, with nothing on disk.
 * A missing binary is an error, never a skip: a suite that skipped its Redis tests would pass
 * on a machine that proves nothing.
 */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    if (!existsSync(REDIS_SERVER_PATH)) {
      const ci = process.env['CI'] === 'true' ? ' (CI=true: .ci/run should have installed it)' : '';
      throw new Error(
        `redis-server is missing at ${REDIS_SERVER_PATH}${ci}. The scale-out tests need it: run ` +
          '`apt-get install -y redis-server` (Debian), or set REDIS_SERVER_PATH.',
      );
    }
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'];
    const child = spawn(REDIS_SERVER_PATH, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const server = new RedisServer(child, port);
    await server.waitUntilReady();
    return server;
  }

  /** A client of this server for the test itself; the caller quits it. */
  client(): Redis {
    return new Redis(this.url, { maxRetriesPerRequest: 1 });
  }

  async flush(): Promise<void> {
    const client = this.client();
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
  }

  /** Kills it (SIGKILL); again, once it is gone, does nothing. */
  async stop(): Promise<void> {
    // A killed process has a signalCode and no exitCode.
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('close', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** redis-server says so on its standard output once it accepts connections. */
  private async waitUntilReady(): Promise<void> {
    const stdout = this.child.stdout!;
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${this.port}:\n${output}`)), 10_000);
        stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        });
        this.child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited with code ${code}:\n${output}`));
        });
      });
    } catch (error) {
      await this.stop();
      throw error;
    }
    // Nothing more is read; keep the pipe flowing so redis-server never blocks on it.
    stdout.resume();
  }
}
