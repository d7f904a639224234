import { Agent, get } from 'node:http';
import { ErrorCode, ServerEvent, type SessionEndEvent } from '@ciphernest/protocol';
import { chatFor, createRoom, deleteSession, expectError, getKdf, joinRoom, setUpRoom, type Session } from './support/builders';
import { closeAllClients } from './support/chat-client';
import { runUntilExit, ServerProcess } from './support/server-process';

// docs/protocol.md §4 and §6 (a restart voids every token and forgets every room), §5 (session:end
// shutdown), and DESIGN.md "Configuration" (bad values stop the server with a clear message).

const VOIDED = [ErrorCode.TokenInvalid, ErrorCode.SessionNotFound];

describe('Server lifecycle', () => {
  afterEach(closeAllClients);

  describe('a restart', () => {
    let before: ServerProcess;
    let after: ServerProcess;
    let owner: Session;
    let guest: Session;

    beforeAll(async () => {
      before = await ServerProcess.start({ DISCONNECT_GRACE_MS: '60000' });
      owner = await createRoom(before);
      guest = await joinRoom(before, owner);
      expect((await before.stop('SIGTERM')).code).toBe(0);
      after = await ServerProcess.start({ DISCONNECT_GRACE_MS: '60000' });
    });

    afterAll(async () => {
      await before?.kill();
      await after?.kill();
    });

    it('refuses a token from before the restart on DELETE /api/session (TOKEN_INVALID or SESSION_NOT_FOUND)', async () => {
      const res = await deleteSession(after, owner.token, { from: owner.from });
      expect(VOIDED).toContain(res.body?.code);
      expectError(res, res.body.code);
    });

    it('refuses a token from before the restart on connect (TOKEN_INVALID or SESSION_NOT_FOUND)', async () => {
      expect(VOIDED).toContain(await chatFor(after, guest).connectRefusal());
    });

    it('forgets every room', async () => {
      expectError(await getKdf(after, owner.room), ErrorCode.RoomNotFound);
    });
  });

  describe('SIGTERM', () => {
    it('sends session:end shutdown to every connected socket and exits 0 within 5 s', async () => {
      const server = await ServerProcess.start({ DISCONNECT_GRACE_MS: '60000' });
      try {
        const first = await setUpRoom(server, ['alice', 'bob']);
        const second = await setUpRoom(server, ['carol']);
        const clients = [...first.clients, ...second.clients];
        const started = Date.now();
        const stopped = server.stop('SIGTERM', 10_000);
        for (const client of clients) {
          expect(await client.next<SessionEndEvent>(ServerEvent.SessionEnd, () => true, 5_000)).toEqual({ reason: 'shutdown' });
        }
        const status = await stopped;
        expect({ code: status.code, signal: status.signal, killed: status.killed }).toEqual({ code: 0, signal: null, killed: false });
        expect(Date.now() - started).toBeLessThanOrEqual(5_000);
        for (const client of clients) await client.disconnected();
      } finally {
        await server.kill();
      }
    });

    it('does not wait for idle keep-alive HTTP connections', async () => {
      const server = await ServerProcess.start();
      const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
      try {
        await new Promise<void>((resolveGet, rejectGet) => {
          get(`${server.url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolveGet());
          }).on('error', rejectGet);
        });
        const started = Date.now();
        const status = await server.stop('SIGTERM', 10_000);
        expect({ code: status.code, killed: status.killed }).toEqual({ code: 0, killed: false });
        expect(Date.now() - started).toBeLessThanOrEqual(5_000);
      } finally {
        agent.destroy();
        await server.kill();
      }
    });

    it('logs server.stopping', async () => {
      const server = await ServerProcess.start();
      try {
        await server.stop('SIGTERM');
        expect(server.logs().map((record) => record.event)).toContain('server.stopping');
      } finally {
        await server.kill();
      }
    });
  });

  describe('SIGINT', () => {
    it('sends session:end shutdown and exits 0 within 5 s', async () => {
      const server = await ServerProcess.start({ DISCONNECT_GRACE_MS: '60000' });
      try {
        const { clients } = await setUpRoom(server, ['alice']);
        const started = Date.now();
        const stopped = server.stop('SIGINT', 10_000);
        expect(await clients[0].next<SessionEndEvent>(ServerEvent.SessionEnd, () => true, 5_000)).toEqual({ reason: 'shutdown' });
        const status = await stopped;
        expect({ code: status.code, killed: status.killed }).toEqual({ code: 0, killed: false });
        expect(Date.now() - started).toBeLessThanOrEqual(5_000);
      } finally {
        await server.kill();
      }
    });
  });

  describe('a bad configuration', () => {
    const bad: [string, string][] = [
      ['MAX_ROOMS', 'abc'],
      ['PORT', '-1'],
      ['PORT', '70000'],
      ['MAX_MEMBERS_PER_ROOM', '0'],
      ['MAX_ROOMS', '0'],
      ['MAX_BUFFERED_BYTES', '0'],
      ['MAX_MESSAGE_BYTES', '1.5'],
      ['RATE_JOINS_PER_MIN', '-5'],
      ['DISCONNECT_GRACE_MS', 'soon'],
      ['TRUST_PROXY', 'not an address'],
      ['ROOM_DIRECTORY', 'maybe'],
    ];

    it.each(bad)('stops the server with a non-zero exit and a message naming %s (value %p)', async (name, value) => {
      const result = await runUntilExit({ [name]: value });
      expect(result.timedOut).toBe(false);
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(result.output).toContain(name);
      expect(result.output).not.toContain('"server.started"');
    });
  });
});
