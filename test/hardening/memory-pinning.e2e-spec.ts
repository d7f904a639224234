import { DEFAULT_LIMITS, ErrorCode, TRANSPORT_OVERHEAD_BYTES } from '@ciphernest/protocol';
import { createRoom, newId, nextAddress, PROXY_ADDRESS, randomBox, type Session } from '../support/builders';
import { ChatClient, closeAllClients, delay } from '../support/chat-client';
import { useServer, type ServerProcess } from '../support/server-process';
import { announceAttachments, handshakeSid, peakRssGrowth, polling, rawMember } from './support/attachment-attack';
import { closeAllRawSockets, RawSocket } from './support/raw-socket';
import { expectAlive, expectNoServerErrors, markLog, MiB, rssBytes } from './support/server-health';

// Issue 11, finding 1: one socket pinned ~80 MiB, before or after login, by announcing ten
// binary attachments of the transport limit each and sending nine, while answering pings; and
// plain Engine.IO connections were unlimited per address and accepted any Origin. The server
// now takes one attachment per packet, gives a partial packet 10 s, reads only small frames
// before a socket has joined /chat, and decides Origin and connections per address at the
// Engine.IO handshake.

const FOREIGN = 'https://evil.example';
const MAX_CONNECTIONS = 3;
/** maxHttpBufferSize once admitted: MAX_MESSAGE_BYTES (default 8 MiB) plus 64 KiB. */
const TRANSPORT_LIMIT = DEFAULT_LIMITS.maxMessageBytes + TRANSPORT_OVERHEAD_BYTES;
/** The server's deadline for a partial packet (PARTIAL_PACKET_TIMEOUT_MS). */
const PARTIAL_PACKET_TIMEOUT_MS = 10_000;
/** Generous: the refused sockets cost the server a few KiB each; the old code held ~72 MiB each. */
const ALLOWED_GROWTH_PER_SOCKET = 4 * MiB;

describe('Memory one socket can pin (issue 11, finding 1)', () => {
  const server = useServer({ MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS), DISCONNECT_GRACE_MS: '60000' });

  afterEach(() => {
    closeAllRawSockets();
    closeAllClients();
  });

  async function member(from = nextAddress()): Promise<Session> {
    return createRoom(server(), { from });
  }

  it('keeps memory bounded against sockets announcing 10 attachments of the transport limit and sending 9, before and after login', async () => {
    // Warm up with ordinary traffic, so the baseline already counts what any chat allocates.
    const owner = await member();
    const chat = await new ChatClient(server().url, { token: owner.token, from: owner.from }).connect();
    for (let n = 0; n < 4; n += 1) expect(await chat.emitWithAckWithin(10_000, 'message', { id: newId(), box: randomBox(MiB) })).toMatchObject({ ok: true });
    await delay(1_000);
    const mark = markLog(server());
    const baseline = rssBytes(server());

    const afterLogin = [await rawMember(server(), await member()), await rawMember(server(), await member())];
    const beforeLogin = [await RawSocket.open(server().url, { from: nextAddress() }), await RawSocket.open(server().url, { from: nextAddress() })];
    const attackers = [...beforeLogin, ...afterLogin];
    const attachment = Buffer.alloc(TRANSPORT_LIMIT - 1024, 7);
    await Promise.all(attackers.map((raw) => announceAttachments(raw, 10, 9, attachment)));
    const growth = await peakRssGrowth(server(), baseline, 3_000);

    expect(Math.round(growth / MiB)).toBeLessThan((attackers.length * ALLOWED_GROWTH_PER_SOCKET) / MiB);
    // Every attacking socket was closed by the server (it answered pings and never closed itself).
    await Promise.all(attackers.map((raw) => raw.closedWithin(5_000)));
    await expectAlive(server());
    expectNoServerErrors(server(), mark);
  }, 60_000);

  it('drops a packet whose attachment has not come within the deadline, although the client answers pings', async () => {
    const raw = await rawMember(server(), await member());
    const sentAt = Date.now();
    raw.send(`451-/chat,1${JSON.stringify(['message', { id: newId(), box: { _placeholder: true, num: 0 } }])}`);
    const closed = await raw.closedWithin(PARTIAL_PACKET_TIMEOUT_MS + 20_000);
    // Timers never fire early: the close is the deadline's, not something sooner.
    expect(closed.at - sentAt).toBeGreaterThanOrEqual(PARTIAL_PACKET_TIMEOUT_MS - 1_000);
  }, 60_000);

  describe('before a socket has joined /chat, only small frames', () => {
    it('closes a WebSocket whose CONNECT is over 4 KiB (1009), unanswered', async () => {
      const raw = await RawSocket.open(server().url, { from: nextAddress() });
      raw.send(`40/chat,{"token":"${'v1.'.padEnd(5_000, 'A')}"}`);
      expect((await raw.closedWithin(5_000)).code).toBe(1009);
      expect(raw.frames.filter((frame) => frame.text.startsWith('44'))).toEqual([]);
    });

    it('answers a long-polling POST over 4 KiB with 413', async () => {
      const from = nextAddress();
      const sid = handshakeSid(await polling(server(), from));
      const res = await polling(server(), from, { sid, body: `40/chat,{"token":"${'v1.'.padEnd(5_000, 'A')}"}` });
      expect(res.status).toBe(413);
    });

    it('takes the transport limit once joined: a 1 MiB box over WebSocket, 100 KiB over long-polling, 1 MiB after upgrading', async () => {
      const owner = await member();
      const socket = await new ChatClient(server().url, { token: owner.token, from: owner.from }).connect();
      expect(await socket.emitWithAckWithin(10_000, 'message', { id: newId(), box: randomBox(MiB) })).toMatchObject({ ok: true });
      // Long-polling requests from Node come from 127.0.0.1.
      const poller = await member('127.0.0.1');
      const polled = await new ChatClient(server().url, { token: poller.token, transports: ['polling'] }).connect();
      expect(await polled.emitWithAckWithin(10_000, 'message', { id: newId(), box: randomBox(100 * 1024) })).toMatchObject({ ok: true });
      polled.disconnect();
      const upgrader = new ChatClient(server().url, { token: poller.token, transports: ['polling', 'websocket'] });
      await upgrader.connect();
      const engine = upgrader.socket.io.engine;
      if (engine.transport.name !== 'websocket') await new Promise((resolveUpgrade) => engine.once('upgrade', resolveUpgrade));
      expect(await upgrader.emitWithAckWithin(10_000, 'message', { id: newId(), box: randomBox(MiB) })).toMatchObject({ ok: true });
    });
  });

  describe('Origin and connections per address, at the Engine.IO handshake', () => {
    it('tells a foreign-Origin WebSocket ORIGIN_REFUSED unasked and closes it; such connections hold no slot', async () => {
      const from = nextAddress();
      for (let n = 0; n < MAX_CONNECTIONS + 2; n += 1) {
        const raw = await RawSocket.open(server().url, { from, headers: { Origin: FOREIGN } });
        const refusal = await raw.nextPacket((packet) => packet.nsp === '/chat' && packet.type === 4, 5_000);
        expect(refusal.data).toEqual({ message: expect.any(String), data: { code: ErrorCode.OriginRefused } });
        await raw.closedWithin(5_000);
      }
      for (let n = 0; n < MAX_CONNECTIONS; n += 1) await expectOpensWithin(server(), from, 5_000);
    });

    it('tells a foreign-Origin long-polling client ORIGIN_REFUSED on its first poll, and reads nothing it sends', async () => {
      const from = nextAddress();
      const mark = markLog(server());
      const sid = handshakeSid(await polling(server(), from, { headers: { Origin: FOREIGN } }));
      const poll = await polling(server(), from, { sid });
      expect(poll.text).toContain(`44/chat,{"message":`);
      expect(poll.text).toContain(`"code":"${ErrorCode.OriginRefused}"`);
      // A CONNECT sent now is never read: had the namespace seen it, it would log a second refusal.
      const owner = await member();
      await polling(server(), from, { sid, body: `40/chat,${JSON.stringify({ token: owner.token })}` });
      await delay(300);
      const refusals = server().logs().slice(mark.records).filter((record) => record.event === 'socket.rejected' && record['ip'] === from);
      expect(refusals.map((record) => record['reason'])).toEqual([ErrorCode.OriginRefused]);
    });

    it(`refuses a connection over ${MAX_CONNECTIONS} open ones from one address, joined or not, until one closes`, async () => {
      const from = nextAddress();
      const mark = markLog(server());
      const open = [await rawMember(server(), await member(from)), await RawSocket.open(server().url, { from }), await RawSocket.open(server().url, { from })];
      const refused = await RawSocket.attempt(server().url, { from });
      expect(refused.kind === 'refused' && { status: refused.status, body: refused.body }).toEqual({ status: 400, body: ErrorCode.RateLimited });
      const polled = await polling(server(), from);
      expect({ status: polled.status, body: polled.body }).toEqual({ status: 403, body: { code: 4, message: ErrorCode.RateLimited } });
      expect(server().logs().slice(mark.records)).toContainEqual(expect.objectContaining({ event: 'rate.limited', limit: 'connections', ip: from }));
      // Another address is not affected.
      await RawSocket.open(server().url, { from: nextAddress() });
      // A slot is free again once the server has seen a connection close.
      open[1]!.close();
      await expectOpensWithin(server(), from, 5_000);
    });
  });
});

describe('Connections per address behind a trusted proxy, IPv6 by /64 (issue 11, finding 1)', () => {
  const server = useServer({ MAX_CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: `${PROXY_ADDRESS}/32` });

  afterEach(closeAllRawSockets);

  const via = (client: string) => ({ from: PROXY_ADDRESS, headers: { 'X-Forwarded-For': client } });

  it('counts the addresses of one /64 together and other prefixes apart', async () => {
    await RawSocket.open(server().url, via('2001:db8:1:2::1'));
    await RawSocket.open(server().url, via('2001:db8:1:2:ffff::2'));
    const refused = await RawSocket.attempt(server().url, via('2001:db8:1:2::3'));
    expect(refused.kind === 'refused' && refused.status).toBe(400);
    await RawSocket.open(server().url, via('2001:db8:1:3::1'));
  });
});

async function expectOpensWithin(server: ServerProcess, from: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const outcome = await RawSocket.attempt(server.url, { from });
    if (outcome.kind === 'open') return;
    if (Date.now() > deadline) throw new Error(`still refused after ${ms} ms: ${JSON.stringify(outcome)}`);
    await delay(100);
  }
}
