import { randomBytes } from 'node:crypto';
import { apiPaths, ErrorCode } from '@ciphernest/protocol';
import { expectError, http, nextAddress } from '../support/builders';
import type { ServerProcess } from '../support/server-process';
import { Cluster, SLOW_MS, useRedis } from './support/cluster';

// Issue 11, finding 8: with LOG_IP=hashed and STORE=redis, an address hashes alike in every
// process of a deployment, and differently after a cold start, whatever TOKEN_SECRET is: the
// key is random, made at the cold start and shared through Redis, never derived from a secret.

const redis = useRedis();

/** The `ip` that `node` logged for one request from `from` (found by its X-Request-Id). */
async function loggedAddress(node: ServerProcess, from: string): Promise<unknown> {
  const requestId = `log-address-${randomBytes(6).toString('hex')}`;
  expectError(await http(node, from).get(apiPaths.kdf('no such room'), { headers: { 'X-Request-Id': requestId } }), ErrorCode.RoomNotFound);
  const record = await node.waitForLog((line) => line.event === 'http.request' && (line['req'] as { id?: string } | undefined)?.id === requestId, 10_000);
  return record['ip'];
}

describe('LOG_IP=hashed on Redis (STORE=redis)', () => {
  const visitor = nextAddress();
  const env = { LOG_IP: 'hashed', LOG_LEVEL: 'info' };
  let before: Cluster | undefined;
  let after: Cluster | undefined;

  afterAll(async () => {
    await before?.stopAll();
    await after?.stopAll();
  }, SLOW_MS);

  it(
    'hashes one address alike in both processes, and differently after a cold restart with the same TOKEN_SECRET',
    async () => {
      before = new Cluster(redis(), env);
      const [first, second] = await before.start(2);
      const hashed = await loggedAddress(first!, visitor);
      expect(hashed).toMatch(/^h:[0-9a-f]{16}$/);
      expect(await loggedAddress(second!, visitor)).toBe(hashed);
      expect(await loggedAddress(first!, nextAddress())).not.toBe(hashed);
      for (const node of before.nodes) expect(node.output()).not.toContain(visitor);
      await before.stopAll();

      after = new Cluster(redis(), env);
      const [third, fourth] = await after.start(2);
      const rehashed = await loggedAddress(third!, visitor);
      expect(rehashed).toMatch(/^h:[0-9a-f]{16}$/);
      expect(rehashed).not.toBe(hashed);
      expect(await loggedAddress(fourth!, visitor)).toBe(rehashed);
    },
    3 * SLOW_MS,
  );
});
