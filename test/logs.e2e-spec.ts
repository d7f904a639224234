import { deriveRoomKeys, decryptMessage, encryptText, newKdf, newMessageId } from '@ciphernest/crypto';
import { ClientEvent, nameKey, normalizeName, ServerEvent, type MessageAck, type RelayedMessage } from '@ciphernest/protocol';
import { connectAs, createRoom, deleteSession, joinRoom, postSession, randomVerifier, uniqueRoomName } from './support/builders';
import { type ChatClient, closeAllClients } from './support/chat-client';
import { useServer, type LogRecord } from './support/server-process';

// DESIGN.md "Logs": passwords, verifiers, tokens, vaults, keys and ciphertext are never logged;
// the lifecycle of rooms, sessions and sockets is.

interface Secret {
  what: string;
  bytes?: Uint8Array;
  text?: string;
}

/** Every form in which a secret could leak into a JSON log: text, base64, base64url, hex, a JSON byte array, and 16+ byte pieces of each. */
function leakForms(secret: Secret): { what: string; needle: string }[] {
  const forms: { what: string; needle: string }[] = [];
  const add = (form: string, needle: string) => {
    if (needle.length >= 16) forms.push({ what: `${secret.what} (${form})`, needle });
  };
  if (secret.text !== undefined) {
    add('text', secret.text);
    add('text, middle 16 chars', secret.text.slice(Math.max(0, Math.floor(secret.text.length / 2) - 8)).slice(0, 16));
    add('text, last 20 chars', secret.text.slice(-20));
  }
  if (secret.bytes) {
    const bytes = Buffer.from(secret.bytes);
    const encodings: [string, string][] = [
      ['base64', bytes.toString('base64')],
      ['base64url', bytes.toString('base64url')],
      ['hex', bytes.toString('hex')],
      ['hex upper', bytes.toString('hex').toUpperCase()],
    ];
    for (const [form, encoded] of encodings) {
      add(form, encoded.replace(/=+$/, ''));
      // 24 characters from the middle cover at least 16 bytes of base64/base64url and 12 of hex.
      const middle = Math.floor(encoded.length / 2);
      add(`${form}, middle piece`, encoded.slice(middle - 12, middle + 12));
      add(`${form}, last piece`, encoded.replace(/=+$/, '').slice(-24));
    }
    // A Buffer logged as JSON is {"type":"Buffer","data":[...]}.
    const start = Math.max(0, Math.floor(bytes.length / 2) - 8);
    add('JSON byte array piece', Array.from(bytes.subarray(start, start + 16)).join(','));
    add('latin1 piece', bytes.subarray(start, start + 16).toString('latin1'));
  }
  return forms;
}

/** The stable event name of a line: `event`, or `event.action` with LOG_FORMAT=ecs. */
function eventOf(record: LogRecord): unknown {
  return record.event ?? record['event.action'];
}

describe.each([['json'], ['ecs']])('Logs (DESIGN.md "Logs"), LOG_FORMAT=%s', (format) => {
  const server = useServer({ DISCONNECT_GRACE_MS: '60000', LOG_LEVEL: 'debug', LOG_FORMAT: format });
  afterEach(closeAllClients);

  it('never contain the password, verifiers, tokens, vaults or any box across a whole conversation, and record its lifecycle', async () => {
    const password = 'Tr0ub4dor & correct horse battery staple!';
    const room = uniqueRoomName('Logged Room');
    const roomKey = nameKey(normalizeName(room));
    const kdf = newKdf({ m: 19_456, t: 2 });
    const keys = await deriveRoomKeys(password, roomKey, kdf);
    const secrets: Secret[] = [
      { what: 'password', text: password },
      { what: 'verifier', text: keys.verifier, bytes: Buffer.from(keys.verifier, 'base64url') },
    ];

    const alice = await createRoom(server(), { room, username: 'alice', verifier: keys.verifier, kdf });
    const bob = await joinRoom(server(), alice, { username: 'bob' });
    const wrongVerifier = randomVerifier();
    expect((await postSession(server(), room, { username: 'eve', verifier: wrongVerifier })).status).toBe(401);
    secrets.push({ what: 'wrong verifier', text: wrongVerifier, bytes: Buffer.from(wrongVerifier, 'base64url') });
    for (const session of [alice, bob]) {
      secrets.push(
        { what: `${session.username}'s token`, text: session.token },
        { what: `${session.username}'s vault`, text: session.grant.vault, bytes: Buffer.from(session.grant.vault, 'base64url') },
      );
    }

    const { client: aliceChat } = await connectAs(server(), alice);
    const { client: bobChat } = await connectAs(server(), bob);
    await aliceChat.next(ServerEvent.Member);

    async function say(sender: ChatClient, from: string, receiver: ChatClient, text: string): Promise<void> {
      const id = newMessageId();
      const box = await encryptText(keys.encKey, { roomKey, from, id }, text);
      secrets.push({ what: `box of "${text}"`, bytes: box }, { what: `text "${text}"`, text: text.padEnd(16, ' ') });
      const ack = await sender.emitWithAck<MessageAck>(ClientEvent.Message, { id, box });
      expect(ack.ok).toBe(true);
      const relayed = await receiver.next<RelayedMessage>(ServerEvent.Message);
      expect(await decryptMessage(keys.encKey, { roomKey, from: relayed.from, id: relayed.id }, Buffer.from(relayed.box as Uint8Array))).toEqual({ kind: 'text', text });
    }

    await say(aliceChat, 'alice', bobChat, 'Meet at the harbour at nine, bring the papers.');
    await say(bobChat, 'bob', aliceChat, 'Understood. The blue folder or the red one?');
    aliceChat.emit(ClientEvent.Typing, { active: true });
    await bobChat.next(ServerEvent.Typing);
    await say(aliceChat, 'alice', bobChat, 'The red one. Burn this message after reading.');
    aliceChat.emit(ClientEvent.Typing, { active: false });
    await bobChat.next(ServerEvent.Typing);

    expect(await bobChat.emitWithAck(ClientEvent.Leave)).toEqual({ ok: true });
    await bobChat.disconnected();
    expect((await deleteSession(server(), alice.token, { from: alice.from })).status).toBe(204);
    await server().waitForLog((record) => eventOf(record) === 'room.deleted');
    // Stopping flushes everything the server will ever print about this conversation.
    expect((await server().stop('SIGTERM')).code).toBe(0);

    const everything = server().output();
    const leaks = secrets.flatMap(leakForms).filter(({ needle }) => everything.includes(needle));
    expect(leaks.map(({ what }) => what)).toEqual([]);

    const events = new Set(server().logs().map(eventOf));
    for (const event of ['server.started', 'room.created', 'session.created', 'socket.connected', 'message.relayed', 'session.ended', 'room.deleted']) {
      expect([...events]).toContain(event);
    }
  });

  it('writes every stdout line as JSON with a string event and a level label', () => {
    const stdout = server().allLines().filter((line) => line.stream === 'stdout');
    expect(stdout.length).toBeGreaterThan(0);
    const unparsed = stdout.filter((line) => !line.json).map((line) => line.raw);
    expect(unparsed).toEqual([]);
    const records = server().logs();
    const level = (record: LogRecord) => (format === 'ecs' ? record['log.level'] : record.level);
    expect(records.filter((record) => typeof eventOf(record) !== 'string' || typeof level(record) !== 'string')).toEqual([]);
  });

  if (format === 'ecs') {
    it('writes Elastic Common Schema: @timestamp, log.level, message, ecs.version, service.name on every line; the request id as http.request.id', () => {
      const records = server().logs();
      const notEcs = records.filter(
        (record) =>
          Number.isNaN(Date.parse(String(record['@timestamp']))) ||
          !/^\d+\.\d+\.\d+$/.test(String(record['ecs.version'])) ||
          typeof record['message'] !== 'string' ||
          record['service.name'] !== 'ciphernest' ||
          'time' in record ||
          'msg' in record ||
          'level' in record,
      );
      expect(notEcs).toEqual([]);
      const requests = records.filter((record) => eventOf(record) === 'http.request');
      expect(requests.length).toBeGreaterThan(0);
      for (const record of requests) {
        expect(record).toMatchObject({
          'http.request.id': expect.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
          'http.request.method': expect.any(String),
          'url.path': expect.stringMatching(/^\/[^?]*$/),
          'http.response.status_code': expect.any(Number),
          'event.duration': expect.any(Number),
        });
        expect(Object.keys(record).filter((key) => /header|req$|^req\b|^res$/i.test(key))).toEqual([]);
      }
      const created = records.find((record) => eventOf(record) === 'room.created');
      expect(created).toMatchObject({ 'http.request.id': expect.any(String), 'user.name': 'alice', 'client.ip': expect.any(String), 'ciphernest.room': expect.any(String) });
    });
  }
});
