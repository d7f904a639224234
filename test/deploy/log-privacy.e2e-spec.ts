import { randomBytes } from 'node:crypto';
import { newMessageId } from '@ciphernest/crypto';
import { apiPaths, ErrorCode } from '@ciphernest/protocol';
import { nextAddress, randomVerifier } from '../support/builders';
import type { LogRecord } from '../support/server-process';
import { memberVia, roomVia, startStack, viaProxy, type ProxiedStack } from './support/proxied-stack';
import { closeAllMembers } from './support/secure-member';

// LOG_IP=hashed|off behind the proxy: the address reaches the app (it binds tokens to it), yet no
// raw client address is ever written, by the app or by nginx's access log.

/** `address` as a whole token in `text` (127.0.0.1 must not match inside 127.0.0.11). */
function mentions(text: string, address: string): boolean {
  return new RegExp(`(?<![\\d.])${address.replace(/\./g, '\\.')}(?![\\d])`).test(text);
}

interface Conversation {
  addresses: { alice: string; bob: string; eve: string; thief: string };
  room: string;
}

/** A whole conversation with the usual refusals, through the proxy; resolves once the app has stopped (its log is complete). */
async function converse(stack: ProxiedStack): Promise<Conversation> {
  const addresses = { alice: nextAddress(), bob: nextAddress(), eve: nextAddress(), thief: nextAddress() };
  const { sessions, members } = await roomVia(stack, [addresses.alice, addresses.bob], ['alice', 'bob']);
  const [alice, bob] = members;
  expect((await alice!.send(newMessageId(), randomBytes(64), ['bob'])).ok).toBe(true);
  expect((await bob!.send(newMessageId(), randomBytes(64), ['alice'])).ok).toBe(true);
  const wrong = await viaProxy(stack, apiPaths.sessions(sessions[0]!.room), { from: addresses.eve, json: { username: 'eve', verifier: randomVerifier() } });
  expect(wrong.body?.code).toBe(ErrorCode.BadCredentials);
  expect(await memberVia(stack, sessions[1]!, { from: addresses.thief, reconnection: false }).refusal()).toBe(ErrorCode.IpMismatch);
  bob!.close();
  await stack.app.waitForLog((record) => record.event === 'socket.disconnected' && record.user === 'bob');
  expect((await viaProxy(stack, apiPaths.session(), { method: 'DELETE', from: addresses.alice, token: sessions[0]!.token })).status).toBe(204);
  expect((await stack.app.stop('SIGTERM')).code).toBe(0);
  return { addresses, room: sessions[0]!.room };
}

function recordsWithIp(records: LogRecord[]): LogRecord[] {
  return records.filter((record) => ['room.created', 'session.created', 'session.rejected', 'socket.connected', 'socket.disconnected', 'socket.rejected'].includes(String(record.event)));
}

/** Neither the app's output nor the proxy's access log mentions any of `addresses`; returns that access log. */
function expectNoRawAddress(stack: Awaited<ReturnType<typeof startStack>>, addresses: string[]): string {
  const output = stack.app.output();
  const proxyLog = stack.proxy.accessLog();
  for (const address of addresses) {
    expect({ address, inAppLog: mentions(output, address), inProxyLog: mentions(proxyLog, address) }).toEqual({ address, inAppLog: false, inProxyLog: false });
  }
  return proxyLog;
}

describe('LOG_IP behind the proxy', () => {
  afterEach(closeAllMembers);

  it('hashed: no raw client address in the app log or the proxy log; one address keeps one hash', async () => {
    const stack = await startStack({ LOG_IP: 'hashed', LOG_LEVEL: 'debug', DISCONNECT_GRACE_MS: '60000' });
    try {
      const { addresses } = await converse(stack);
      const proxyLog = expectNoRawAddress(stack, Object.values(addresses));
      expect(proxyLog).toMatch(/"method":"POST","path":"\/api\/rooms"/);

      const records = recordsWithIp(stack.app.logs());
      expect(records.length).toBeGreaterThanOrEqual(8);
      for (const record of records) expect(record['ip']).toMatch(/^h:[0-9a-f]{16}$/);
      const hashOf = (event: string, predicate: (record: LogRecord) => boolean = () => true): unknown =>
        records.find((record) => record.event === event && predicate(record))?.['ip'];
      // Followable within a run: alice's create, session and socket carry the same hash ...
      const aliceHash = hashOf('room.created');
      expect(hashOf('socket.connected', (record) => record.user === 'alice')).toBe(aliceHash);
      // ... and other addresses other hashes.
      const others = [hashOf('socket.connected', (record) => record.user === 'bob'), hashOf('session.rejected'), hashOf('socket.rejected')];
      expect(new Set([aliceHash, ...others]).size).toBe(4);
    } finally {
      await stack.dispose();
    }
  });

  it('off: no client address at all, neither raw nor hashed', async () => {
    const stack = await startStack({ LOG_IP: 'off', LOG_LEVEL: 'debug', DISCONNECT_GRACE_MS: '60000' });
    try {
      const { addresses } = await converse(stack);
      expectNoRawAddress(stack, Object.values(addresses));
      const records = recordsWithIp(stack.app.logs());
      expect(records.length).toBeGreaterThanOrEqual(8);
      expect(records.filter((record) => record['ip'] !== undefined)).toEqual([]);
      expect(stack.app.logs().filter((record) => typeof record['ip'] === 'string')).toEqual([]);
    } finally {
      await stack.dispose();
    }
  });

  it('full (the default): the same conversation does log the real addresses, so the checks above can fail', async () => {
    const stack = await startStack({ LOG_LEVEL: 'debug', DISCONNECT_GRACE_MS: '60000' });
    try {
      const { addresses } = await converse(stack);
      const output = stack.app.output();
      for (const address of Object.values(addresses)) expect({ address, inAppLog: mentions(output, address) }).toEqual({ address, inAppLog: true });
      expect(mentions(stack.proxy.accessLog(), addresses.alice)).toBe(false);
    } finally {
      await stack.dispose();
    }
  });
});
