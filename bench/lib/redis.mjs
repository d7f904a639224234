// A redis-server of the bench's own on a free loopback port, nothing on disk (Debian's package,
// as the tests use; REDIS_SERVER_PATH points elsewhere).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './targets.mjs';

const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

/** Resolves once redis-server accepts connections: `{ url, pid, stop() }`. */
export async function startRedis() {
  if (!existsSync(REDIS_SERVER_PATH)) {
    throw new Error(`redis-server is missing at ${REDIS_SERVER_PATH}: apt-get install -y redis-server, or set REDIS_SERVER_PATH`);
  }
  const port = await freePort();
  const child = spawn(REDIS_SERVER_PATH, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  child.stdout.resume();
  const closed = new Promise((resolveClose) => child.once('close', resolveClose));
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.kill('SIGKILL');
      await closed;
    },
  };
}
