import { request } from 'node:http';
import { ErrorCode, ServerEvent, type MemberEvent } from '@ciphernest/protocol';
import { connectAs, createRoom, joinRoom, newId, nextAddress, type Session } from '../support/builders';
import { closeAllClients, delay, type ChatClient } from '../support/chat-client';
import { memberEvent } from '../support/events';
import { useWatchedServer } from './support/bystanders';
import { closeAllRawSockets, encodeSio, RawSocket } from './support/raw-socket';

// Issue 6, hostile input over a raw WebSocket: Engine.IO and Socket.IO packets written by hand,
// shaped like the published Socket.IO/Engine.IO advisories. Each must get a clear answer (an ack
// with an error code, a connect_error, an HTTP refusal) or a closed socket; never a crash, never
// an error inside the server, never a ghost member, and never an effect on another room: a
// bystander room chats throughout and must receive every message exactly once.

const MAX_MESSAGE_BYTES = 65_536;
/** maxHttpBufferSize: MAX_MESSAGE_BYTES plus 64 KiB (docs/protocol.md §5). */
const TRANSPORT_LIMIT = MAX_MESSAGE_BYTES + 64 * 1024;
const VALID_ID = 'hostile_id_0123456789';
/** How long an ignored packet is given to produce an answer it should not produce. */
const QUIET_MS = 300;

type Outcome = { ack: ErrorCode } | 'closed' | 'ignored';

/** A member connected over a raw socket, and a well-behaved member of the same room watching it. */
interface Pair {
  raw: RawSocket;
  session: Session;
  watcher: ChatClient;
}

describe('Hostile input over a raw WebSocket (issue 6)', () => {
  const { server, bystanders } = useWatchedServer({ DISCONNECT_GRACE_MS: '5000', MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) }, closeAllRawSockets);

  afterAll(() => {
    closeAllRawSockets();
    closeAllClients();
  });

  async function connectedPair(): Promise<Pair> {
    const owner = await createRoom(server(), { username: 'watcher' });
    const { client: watcher } = await connectAs(server(), owner);
    const session = await joinRoom(server(), owner, { username: 'raw' });
    const raw = await RawSocket.open(server().url, { from: session.from });
    const answer = await raw.connectNamespace('/chat', { token: session.token });
    expect(answer.ok).toBe(true);
    await raw.nextPacket((packet) => packet.type === 2 && Array.isArray(packet.data) && packet.data[0] === ServerEvent.Presence);
    await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('joined', 'raw'));
    return { raw, session, watcher };
  }

  function send(raw: RawSocket, frames: (string | Buffer)[]): void {
    for (const frame of frames) {
      if (typeof frame === 'string') raw.send(frame);
      else raw.sendBinary(frame);
    }
  }

  /** A valid message with ack id 900 is acknowledged: the connection still works after the hostile frames. */
  async function expectStillWorking(raw: RawSocket): Promise<void> {
    const from = raw.frames.length;
    send(raw, [encodeSio(5, '/chat', ['message', { id: newId(), box: { _placeholder: true, num: 0 } }], 900, 1), Buffer.alloc(64, 7)]);
    expect(await raw.ackFor(900, '/chat', 3_000, from)).toEqual([{ ok: true, seq: expect.any(Number), ts: expect.any(Number) }]);
  }

  async function expectOutcome(pair: Pair, frames: (string | Buffer)[], outcome: Outcome): Promise<void> {
    const { raw, watcher } = pair;
    const from = raw.frames.length;
    send(raw, frames);
    if (outcome === 'closed') {
      await raw.closedWithin(3_000);
      // No ghost: the session turns away as on any disconnect (docs/protocol.md §5-6).
      await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'raw'), 3_000);
      return;
    }
    if (outcome === 'ignored') {
      await delay(QUIET_MS);
      const answers = raw.frames.slice(from).filter((frame) => !frame.binary && frame.text !== '2');
      expect(answers.map((frame) => frame.text)).toEqual([]);
      expect(raw.isClosed).toBe(false);
      await expectStillWorking(raw);
      return;
    }
    expect(await raw.ackFor(1, '/chat', 3_000, from)).toEqual([{ ok: false, error: { code: outcome.ack, message: expect.any(String) } }]);
    expect(raw.isClosed).toBe(false);
    await expectStillWorking(raw);
  }

  describe('the Engine.IO handshake', () => {
    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'webtransport', 'polling%00'])('refuses transport=%s with 400 "Transport unknown"', async (transport) => {
      const outcome = await RawSocket.attempt(server().url, { from: nextAddress(), query: `EIO=4&transport=${transport}` });
      expect(outcome.kind === 'refused' && { status: outcome.status, body: outcome.body }).toEqual({ status: 400, body: 'Transport unknown' });
      const polled = await rawGet(server().url, `/socket.io/?EIO=4&transport=${transport}`, nextAddress());
      expect({ status: polled.status, body: JSON.parse(polled.body) }).toEqual({ status: 400, body: { code: 0, message: 'Transport unknown' } });
    });

    it.each(['EIO=3&transport=websocket', 'EIO=__proto__&transport=websocket', 'transport=websocket', 'EIO=4.0&transport=websocket'])('closes %s without an Engine.IO handshake', async (query) => {
      const outcome = await RawSocket.attempt(server().url, { from: nextAddress(), query });
      if (outcome.kind === 'open') {
        await outcome.socket.closedWithin(3_000);
        expect(outcome.socket.handshake).toBeUndefined();
      } else {
        expect(outcome.kind).toBe('refused');
      }
    });

    it('refuses EIO=3 over long-polling with 400 "Unsupported protocol version"', async () => {
      const res = await rawGet(server().url, '/socket.io/?EIO=3&transport=polling', nextAddress());
      expect({ status: res.status, body: JSON.parse(res.body) }).toEqual({ status: 400, body: { code: 5, message: 'Unsupported protocol version' } });
    });

    it.each(['__proto__', 'constructor', 'toString', 'AAAAAAAAAAAAAAAAAAAA'])('refuses sid=%s that no client holds with 400 "Session ID unknown"', async (sid) => {
      const outcome = await RawSocket.attempt(server().url, { from: nextAddress(), query: `EIO=4&transport=websocket&sid=${sid}` });
      expect(outcome.kind === 'refused' && { status: outcome.status, body: outcome.body }).toEqual({ status: 400, body: 'Session ID unknown' });
      const polled = await rawGet(server().url, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, nextAddress());
      expect({ status: polled.status, body: JSON.parse(polled.body) }).toEqual({ status: 400, body: { code: 1, message: 'Session ID unknown' } });
    });

    it("refuses long-polling requests carrying another client's sid from another address", async () => {
      const sid = engineSid(bystanders().clients[0]!);
      const read = await rawGet(server().url, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, nextAddress());
      expect(read.status).toBe(400);
      const write = await rawGet(server().url, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, nextAddress(), 'POST', '42/chat,["typing",{"active":true}]');
      expect(write.status).toBe(400);
    });

    it("does not let another address take over a member's connection by upgrading with its sid", async () => {
      const pair = await connectedPair();
      const victimSid = pair.raw.handshake!.sid;
      const outcome = await RawSocket.attempt(server().url, { from: nextAddress(), query: `EIO=4&transport=websocket&sid=${victimSid}` });
      if (outcome.kind === 'open') {
        const attacker = outcome.socket;
        attacker.send('2probe');
        await delay(200);
        attacker.send('5');
        await delay(200);
        // The victim's room-mate speaks; the attacker must not receive it, nor act as the victim.
        const said = newId();
        await pair.watcher.emitWithAck('message', { id: said, box: Buffer.alloc(40, 1) });
        attacker.send(encodeSio(5, '/chat', ['message', { id: newId(), box: { _placeholder: true, num: 0 } }], 77, 1));
        attacker.sendBinary(Buffer.alloc(40, 2));
        await delay(500);
        const leaked = attacker.frames.filter((frame) => frame.binary || frame.text.includes(said) || frame.text.startsWith('43/chat,77'));
        expect({ leakedToAttacker: leaked.map((frame) => (frame.binary ? '<binary>' : frame.text.slice(0, 80))) }).toEqual({ leakedToAttacker: [] });
        await pair.watcher.none(ServerEvent.Message, 0, (message: { from: string }) => message.from === 'raw');
      } else {
        expect(outcome.kind).toBe('refused');
      }
      expect(pair.raw.isClosed).toBe(false);
      await expectStillWorking(pair.raw);
    });
  });

  describe('the Socket.IO CONNECT and its auth object', () => {
    async function refusedWith(auth: (token: string) => string, code: string): Promise<void> {
      const owner = await createRoom(server());
      const raw = await RawSocket.open(server().url, { from: owner.from });
      const from = raw.frames.length;
      raw.send(`40/chat,${auth(owner.token)}`);
      const answer = await raw.nextPacket((packet) => packet.nsp === '/chat' && (packet.type === 0 || packet.type === 4), 3_000, from);
      expect({ type: answer.type, data: answer.data }).toEqual({ type: 4, data: { message: expect.any(String), data: { code } } });
    }

    it.each<[string, (token: string) => string]>([
      ['a valid token under __proto__', (token) => `{"__proto__":{"token":${JSON.stringify(token)}}}`],
      ['a valid token under constructor.prototype', (token) => `{"constructor":{"prototype":{"token":${JSON.stringify(token)}}}}`],
      ['a token object with toString', (token) => `{"token":{"toString":${JSON.stringify(token)}}}`],
      ['a token in an array', (token) => `{"token":[${JSON.stringify(token)}]}`],
      ['a token with a NUL appended', (token) => `{"token":${JSON.stringify(`${token}\u0000`)}}`],
      ['a null token', () => '{"token":null}'],
      ['an empty auth object', () => '{}'],
      ['a 3,000-character token (under the frame limit before joining)', () => `{"token":"${'v1.'.padEnd(3_000, 'A')}"}`],
    ])('refuses %s with connect_error TOKEN_INVALID', async (_label, auth) => {
      await refusedWith(auth, ErrorCode.TokenInvalid);
    });

    it('closes the connection on a CONNECT over the frame limit before joining (a 100,000-character token): 1009, no answer', async () => {
      const owner = await createRoom(server());
      const raw = await RawSocket.open(server().url, { from: owner.from });
      const from = raw.frames.length;
      raw.send(`40/chat,{"token":"${'v1.'.padEnd(100_000, 'A')}"}`);
      expect((await raw.closedWithin(3_000)).code).toBe(1009);
      expect(raw.frames.slice(from).map((frame) => frame.text)).toEqual([]);
    });

    it('refuses a token-less handshake after the pollution attempts above: nothing reached Object.prototype', async () => {
      await refusedWith(() => '{}', ErrorCode.TokenInvalid);
      await refusedWith(() => '{"token":"v1.x.y"}', ErrorCode.TokenInvalid);
    });

    it.each(['"a string"', '["an","array"]', 'true', '-1', 'null', '{"token":'])('closes the connection on a CONNECT whose auth is %s', async (auth) => {
      const owner = await createRoom(server());
      const raw = await RawSocket.open(server().url, { from: owner.from });
      raw.send(`40/chat,${auth}`);
      await raw.closedWithin(3_000);
    });

    it.each(['/admin', '/__proto__', '/constructor', '/chat/', '/CHAT', '/chat/../chat'])('answers a CONNECT to namespace %s with connect_error NOT_FOUND (docs/protocol.md §5)', async (nsp) => {
      const owner = await createRoom(server());
      const raw = await RawSocket.open(server().url, { from: owner.from });
      const answer = await raw.connectNamespace(nsp, { token: owner.token });
      expect(answer).toEqual({ ok: false, data: { message: expect.any(String), data: { code: ErrorCode.NotFound } } });
    });

    it('answers a CONNECT to the default namespace with connect_error NOT_FOUND', async () => {
      const owner = await createRoom(server());
      const raw = await RawSocket.open(server().url, { from: owner.from });
      expect(await raw.connectNamespace('/', { token: owner.token })).toEqual({ ok: false, data: { message: expect.any(String), data: { code: ErrorCode.NotFound } } });
    });

    it('closes a connection that sends events before connecting to /chat', async () => {
      const raw = await RawSocket.open(server().url, { from: nextAddress() });
      raw.send('42/chat,1["message",{}]');
      await raw.closedWithin(3_000);
    });

    it('closes a connection that sends a binary frame before any packet', async () => {
      const raw = await RawSocket.open(server().url, { from: nextAddress() });
      raw.sendBinary(Buffer.alloc(64, 1));
      await raw.closedWithin(3_000);
    });

    it('leaves at most one socket for a session after a pipelined double CONNECT: no ghost member', async () => {
      const owner = await createRoom(server(), { username: 'watcher' });
      const { client: watcher } = await connectAs(server(), owner);
      const session = await joinRoom(server(), owner, { username: 'twice' });
      const raw = await RawSocket.open(server().url, { from: session.from });
      const connect = `40/chat,${JSON.stringify({ token: session.token })}`;
      raw.send(connect);
      raw.send(connect);
      await delay(500);
      raw.close();
      await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('joined', 'twice'));
      await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('away', 'twice'), 3_000);
      // The session is away, not online through a socket nobody holds: it can come back.
      const { client: back, presence } = await connectAs(server(), session);
      expect(presence.members).toEqual(expect.arrayContaining([{ name: 'twice', status: 'online', creator: false }]));
      await watcher.next<MemberEvent>(ServerEvent.Member, memberEvent('back', 'twice'));
      await watcher.none(ServerEvent.Member, 200, (event: MemberEvent) => event.name === 'twice');
      back.disconnect();
    });
  });

  describe('events after connecting', () => {
    it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then', '', 'nope', 'message\u0000', 'MESSAGE'])(
      'refuses the unknown event %j in its ack, and the connection keeps working',
      async (event) => {
        await expectOutcome(await connectedPair(), [`42/chat,1${JSON.stringify([event, { id: VALID_ID }])}`], { ack: 'VALIDATION_FAILED' });
      },
    );

    it('refuses an event whose name is a number in its ack', async () => {
      await expectOutcome(await connectedPair(), ['42/chat,1[1,{"id":"x"}]'], { ack: 'VALIDATION_FAILED' });
    });

    it.each(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'])('closes the connection on the reserved event name %s', async (event) => {
      await expectOutcome(await connectedPair(), [`42/chat,1${JSON.stringify([event, {}])}`], 'closed');
    });

    it.each<[string, string]>([
      ['no payload', '42/chat,1["message"]'],
      ['a string payload', '42/chat,1["message","hello"]'],
      ['a number payload', '42/chat,1["message",7]'],
      ['an array payload', `42/chat,1["message",["${VALID_ID}"]]`],
      ['a null payload', '42/chat,1["message",null]'],
      ['id and box under __proto__', `42/chat,1["message",{"__proto__":{"id":"${VALID_ID}","box":"AAAA"}}]`],
      ['id under constructor.prototype', `42/chat,1["message",{"constructor":{"prototype":{"id":"${VALID_ID}"}}}]`],
      ['an id object with toString', '42/chat,1["message",{"id":{"toString":"aaaaaaaaaaaaaaaa"}}]'],
      ['a placeholder box in a plain (non-binary) event', `42/chat,1["message",{"id":"${VALID_ID}","box":{"_placeholder":true,"num":0}}]`],
      ['a Buffer look-alike box', `42/chat,1["message",{"id":"${VALID_ID}","box":{"type":"Buffer","data":[${Array(40).fill(1).join(',')}]}}]`],
      ['a base64 string box', `42/chat,1["message",{"id":"${VALID_ID}","box":"${Buffer.alloc(40).toString('base64')}"}]`],
      ['10,000 extra fields and no box', `42/chat,1["message",{"id":"${VALID_ID}",${Array.from({ length: 10_000 }, (_, n) => `"f${n}":0`).join(',')}}]`],
      ['a payload nested 50,000 arrays deep', `42/chat,1["message",${'['.repeat(50_000)}${']'.repeat(50_000)}]`],
    ])('refuses a message with %s: ack VALIDATION_FAILED, the socket stays open', async (_label, frame) => {
      await expectOutcome(await connectedPair(), [frame], { ack: ErrorCode.ValidationFailed });
    });

    it('refuses a box one byte over MAX_MESSAGE_BYTES with PAYLOAD_TOO_LARGE, the socket stays open', async () => {
      await expectOutcome(
        await connectedPair(),
        [encodeSio(5, '/chat', ['message', { id: VALID_ID, box: { _placeholder: true, num: 0 } }], 1, 1), Buffer.alloc(MAX_MESSAGE_BYTES + 1)],
        { ack: ErrorCode.PayloadTooLarge },
      );
    });

    it.each<[string, string]>([
      ['an active that is a string', '42/chat,["typing",{"active":"yes"}]'],
      ['active under __proto__', '42/chat,["typing",{"__proto__":{"active":true}}]'],
      ['no payload', '42/chat,["typing"]'],
    ])('drops a typing event with %s: the room-mate hears nothing', async (_label, frame) => {
      const pair = await connectedPair();
      pair.raw.send(frame);
      await pair.watcher.none(ServerEvent.Typing, QUIET_MS);
      expect(pair.raw.isClosed).toBe(false);
      await expectStillWorking(pair.raw);
    });

    it.each<[string, string]>([
      ['an Engine.IO close packet', '1'],
      ['an unsolicited pong', '3'],
      ['an upgrade packet with no upgrade under way', '5'],
      ['a noop packet', '6'],
    ])('ignores %s', async (_label, frame) => {
      await expectOutcome(await connectedPair(), [frame], 'ignored');
    });

    it('ignores an ack for an ack id the server never asked for', async () => {
      await expectOutcome(await connectedPair(), ['43/chat,1[{"ok":true}]', '43/chat,99999999999999999999[]'], 'ignored');
    });
  });

  describe('binary attachments', () => {
    const placeholderMessage = (attachments: string, num: unknown): string =>
      `45${attachments}-/chat,1${JSON.stringify(['message', { id: VALID_ID, box: { _placeholder: true, num } }])}`;

    it.each<[string, (string | Buffer)[]]>([
      ['an attachment count of 1e9', [placeholderMessage('1e9', 0)]],
      ['an attachment count of 1000000000', [placeholderMessage('1000000000', 0)]],
      ['an attachment count of 11 (over the parser default of 10)', [placeholderMessage('11', 0)]],
      ['an attachment count of 2 (a message carries exactly one)', [placeholderMessage('2', 0), Buffer.alloc(40)]],
      ['an attachment count of 10, with 9 attachments sent', [placeholderMessage('10', 0), ...Array.from({ length: 9 }, () => Buffer.alloc(40))]],
      ['a negative attachment count', [placeholderMessage('-1', 0)]],
      ['a placeholder index out of range', [placeholderMessage('1', 5), Buffer.alloc(40)]],
      ['a placeholder index of -1', [placeholderMessage('1', -1), Buffer.alloc(40)]],
      ['a placeholder index of "__proto__"', [placeholderMessage('1', '__proto__'), Buffer.alloc(40)]],
      ['a placeholder index given as a string', [placeholderMessage('1', '0'), Buffer.alloc(40)]],
      ['a text packet where an attachment is due', [placeholderMessage('1', 0), '42/chat,["message",{}]']],
      ['a binary frame where text is expected', [Buffer.alloc(64, 3)]],
      ['a packet text of over 64 KiB announcing an attachment', [`451-/chat,1${JSON.stringify(['message', { id: VALID_ID, box: { _placeholder: true, num: 0 }, pad: 'p'.repeat(64 * 1024) }])}`, Buffer.alloc(40)]],
      ['a placeholder nested 20,000 arrays deep', [`451-/chat,1["message",${'['.repeat(20_000)}{"_placeholder":true,"num":0}${']'.repeat(20_000)}]`, Buffer.alloc(40)]],
    ])('closes the connection on %s', async (_label, frames) => {
      await expectOutcome(await connectedPair(), frames, 'closed');
    });

    it('accepts a message whose packet text, ignored extra fields included, is just under 64 KiB', async () => {
      const { raw } = await connectedPair();
      const text = `451-/chat,1${JSON.stringify(['message', { id: newId(), box: { _placeholder: true, num: 0 }, pad: 'p'.repeat(60 * 1024) }])}`;
      send(raw, [text, Buffer.alloc(64, 5)]);
      expect(await raw.ackFor(1, '/chat')).toEqual([{ ok: true, seq: expect.any(Number), ts: expect.any(Number) }]);
    });
  });

  describe('malformed and oversized frames', () => {
    it.each<[string, string | Buffer]>([
      ['an empty text frame', ''],
      ['an unknown Engine.IO packet type', '9'],
      ['a bare Engine.IO message', '4'],
      ['an unknown Socket.IO packet type', '49/chat,[]'],
      ['a non-digit packet type', '4x'],
      ['truncated JSON', '42/chat,['],
      ['an object where the event array belongs', '42/chat,{}'],
      ['a string where the event array belongs', '42/chat,"message"'],
      ['an event without a namespace separator', '42/chat["message"'],
      [`a text frame over the transport limit (${TRANSPORT_LIMIT + 1024} bytes)`, `42/chat,["message","${'a'.repeat(TRANSPORT_LIMIT + 1024)}"]`],
      ['a binary frame over the transport limit', Buffer.alloc(TRANSPORT_LIMIT + 1024)],
      ['an Engine.IO ping from the client (wrong heartbeat direction)', '2'],
    ])('closes the connection on %s', async (_label, frame) => {
      await expectOutcome(await connectedPair(), [frame], 'closed');
    });

    it('closes a connection whose binary event carries an attachment over the transport limit', async () => {
      await expectOutcome(await connectedPair(), [placeholder(), Buffer.alloc(TRANSPORT_LIMIT + 1024)], 'closed');
    });
  });

  describe('afterwards', () => {
    it('kept the bystander room whole throughout: every message reached every other member exactly once, in order', async () => {
      const { messages } = await bystanders().stopAndVerify();
      expect(messages).toBeGreaterThan(100);
    });
  });
});

function placeholder(): string {
  return encodeSio(5, '/chat', ['message', { id: VALID_ID, box: { _placeholder: true, num: 0 } }], 1, 1);
}

function engineSid(client: ChatClient): string {
  return (client.socket.io.engine as unknown as { id: string }).id;
}

function rawGet(baseUrl: string, path: string, from: string, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveResponse, rejectResponse) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request(`${baseUrl}${path}`, { method, localAddress: from, agent: false, headers, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', rejectResponse);
    req.end(body);
  });
}
