import { runUntilExit, type ServerEnv } from '../support/server-process';
import { SLOW_MS, TOKEN_SECRET } from './support/cluster';

// STORE=redis needs REDIS_URL, a TOKEN_SECRET of 32+ characters and a Redis it can reach: without
// them the process stops at once, non-zero, saying why on stderr, and never prints a password.

/** Nothing listens on port 1: the connection is refused at once. */
const UNREACHABLE = '127.0.0.1:1';
const PASSWORD = 'pa55-w0rd-n0t-t0-print';

async function expectRefusedStart(env: ServerEnv, reason: RegExp): Promise<string> {
  const result = await runUntilExit({ STORE: 'redis', ...env });
  expect({ timedOut: result.timedOut, failed: result.code !== 0 && result.code !== null }).toEqual({ timedOut: false, failed: true });
  expect(result.stderr).toMatch(/^CipherNest cannot start: /m);
  expect(result.stderr).toMatch(reason);
  expect(result.output).not.toContain('"server.started"');
  return result.output;
}

describe('Scale-out configuration (STORE=redis)', () => {
  it('refuses to start without TOKEN_SECRET', async () => {
    await expectRefusedStart({ REDIS_URL: `redis://${UNREACHABLE}` }, /STORE=redis needs REDIS_URL and TOKEN_SECRET/);
  }, SLOW_MS);

  it('refuses to start without REDIS_URL', async () => {
    await expectRefusedStart({ TOKEN_SECRET }, /STORE=redis needs REDIS_URL and TOKEN_SECRET/);
  }, SLOW_MS);

  it('refuses a TOKEN_SECRET shorter than 32 characters', async () => {
    await expectRefusedStart({ REDIS_URL: `redis://${UNREACHABLE}`, TOKEN_SECRET: 'x'.repeat(31) }, /TOKEN_SECRET must be at least 32 characters/);
  }, SLOW_MS);

  it.each([
    ['a password only', `redis://:${PASSWORD}@${UNREACHABLE}`],
    ['a user and a password', `redis://cipher:${PASSWORD}@${UNREACHABLE}/2`],
  ])('refuses an unreachable REDIS_URL with %s, naming REDIS_URL without printing the password', async (_label, url) => {
    const output = await expectRefusedStart({ REDIS_URL: url, TOKEN_SECRET }, /cannot use Redis at .*127\.0\.0\.1:1.*REDIS_URL/);
    expect(output).not.toContain(PASSWORD);
  }, SLOW_MS);
});
