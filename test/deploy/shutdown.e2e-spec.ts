import { randomBytes } from 'node:crypto';
import { newMessageId } from '@ciphernest/crypto';
import { ServerEvent, type SessionEndEvent } from '@ciphernest/protocol';
import { nextAddress } from '../support/builders';
import { roomVia, startStack } from './support/proxied-stack';
import { closeAllMembers, type SecureMember } from './support/secure-member';

// SIGTERM under load, as `docker stop` or systemd sends it: every client (through the proxy)
// hears `session:end { reason: "shutdown" }` and the process exits 0 within 5 s.

describe('SIGTERM under load, behind the proxy', () => {
  afterEach(closeAllMembers);

  it('tells every client `shutdown` and exits 0 within 5 s while messages are flowing', async () => {
    const stack = await startStack({ DISCONNECT_GRACE_MS: '60000', RATE_MESSAGES_PER_SEC: '0', LOG_LEVEL: 'info' });
    try {
      const members: SecureMember[] = [];
      for (let room = 0; room < 4; room += 1) {
        const names = ['alice', 'bob', 'carol'];
        members.push(...(await roomVia(stack, names.map(() => nextAddress()), names)).members);
      }
      for (const member of members) member.socket.io.reconnection(false);

      // Every member keeps sending (each waits for its ack) until its socket closes.
      let acked = 0;
      const load = members.map(async (member) => {
        while (member.socket.connected) {
          const ack = await member.emitOnce(newMessageId(), randomBytes(1_024)).catch(() => undefined);
          if (ack?.ok) acked += 1;
        }
      });
      await members[0]!.until(() => acked >= 200, 15_000, '200 acknowledged messages');

      const started = Date.now();
      const stopped = stack.app.stop('SIGTERM', 10_000);
      for (const member of members) {
        await member.until(() => member.count(ServerEvent.SessionEnd) > 0, 5_000, 'session:end');
        expect(member.events(ServerEvent.SessionEnd)).toEqual([{ reason: 'shutdown' } satisfies SessionEndEvent]);
      }
      const status = await stopped;
      expect({ code: status.code, signal: status.signal, killed: status.killed }).toEqual({ code: 0, signal: null, killed: false });
      expect(Date.now() - started).toBeLessThanOrEqual(5_000);
      await Promise.all(load);
      expect(stack.app.logs().map((record) => record.event)).toEqual(expect.arrayContaining(['server.stopping', 'server.stopped']));
    } finally {
      await stack.dispose();
    }
  });
});
