import { TestBed } from '@angular/core/testing';
import type { MemberEvent, PresenceEvent, TypingEvent } from '@ciphernest/protocol';
import { ApiProblem } from '../api/api-problem';
import {
  ackTimeoutMs,
  ChatConnection,
  LEAVE_TIMEOUT_MS,
  RECONNECT_DELAY_MAX_MS,
  RECONNECT_DELAY_MS,
  SOCKET_FACTORY,
  type ChatSocket,
  type ReceivedMessage,
  type SocketFactory,
} from './chat-connection';

type Handler = (...args: any[]) => void;

interface PendingAck {
  event: string;
  args: unknown[];
  timeout: number;
  resolve: (answer: unknown) => void;
  reject: (error: Error) => void;
}

/** The part of a socket.io-client Socket that ChatConnection uses, driven by the test as "the server". */
class FakeSocket {
  connected = false;
  active = false;
  connectCalls = 0;
  readonly emitted: { event: string; args: unknown[] }[] = [];
  readonly acks: PendingAck[] = [];
  private handlers = new Map<string, Handler[]>();

  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  off() {
    this.handlers.clear();
    return this;
  }
  connect() {
    this.connectCalls++;
    this.active = true;
    return this;
  }
  disconnect() {
    const wasConnected = this.connected;
    this.connected = false;
    this.active = false;
    if (wasConnected) this.fire('disconnect', 'io client disconnect');
    this.clearAcks();
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    this.emitted.push({ event, args });
    return this;
  }
  timeout(timeout: number) {
    return {
      emitWithAck: (event: string, ...args: unknown[]) =>
        new Promise((resolve, reject) => {
          this.emitted.push({ event, args });
          this.acks.push({ event, args, timeout, resolve, reject });
        }),
    };
  }

  // ---- what the server and the network do ----
  accept() {
    this.connected = true;
    this.active = true;
    this.fire('connect');
  }
  send(event: string, payload: unknown) {
    this.fire(event, payload);
  }
  /** A lost connection: socket.io reconnects by itself (active stays true). */
  drop() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
    this.clearAcks();
  }
  /** The server closed the socket: socket.io does not reconnect by itself. */
  kick() {
    this.connected = false;
    this.active = false;
    this.fire('disconnect', 'io server disconnect');
    this.clearAcks();
  }
  /** A handshake refused by the server's middleware: socket.io stops retrying. */
  refuse(code: string) {
    this.active = false;
    this.fire('connect_error', Object.assign(new Error('refused'), { data: { code } }));
  }
  /** A transport failure (server unreachable): socket.io keeps retrying. */
  unreachable() {
    this.fire('connect_error', new Error('websocket error'));
  }
  ackOf(event: string, index = 0): PendingAck {
    const ack = this.acks.filter((pending) => pending.event === event)[index];
    if (ack === undefined) throw new Error(`no ${event} awaiting an ack`);
    return ack;
  }
  sent(event: string) {
    return this.emitted.filter((emission) => emission.event === event).map((emission) => emission.args[0]);
  }

  private clearAcks() {
    const pending = this.acks.splice(0);
    for (const ack of pending) ack.reject(new Error('socket has been disconnected'));
  }
  private fire(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
}

const flush = () => new Promise<void>((resolve) => jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve));

function box(...bytes: number[]): Uint8Array {
  return new Uint8Array(bytes.length > 0 ? bytes : Array.from({ length: 40 }, (_, i) => i));
}

async function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('ChatConnection', () => {
  let sockets: FakeSocket[];
  let factory: jest.Mock<ChatSocket, Parameters<SocketFactory>>;
  let connection: ChatConnection;
  const socket = () => sockets[sockets.length - 1];

  beforeEach(() => {
    sockets = [];
    factory = jest.fn((..._args: Parameters<SocketFactory>) => {
      const created = new FakeSocket();
      sockets.push(created);
      return created as unknown as ChatSocket;
    });
    TestBed.configureTestingModule({ providers: [ChatConnection, { provide: SOCKET_FACTORY, useValue: factory }] });
    connection = TestBed.inject(ChatConnection);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('connect', () => {
    it('opens /chat on /socket.io with the token, websocket first, backing off from 500 ms to 5 s', () => {
      connection.connect('tok');

      expect(factory).toHaveBeenCalledTimes(1);
      const [uri, options] = factory.mock.calls[0];
      expect(uri).toBe('/chat');
      expect(options).toMatchObject({
        path: '/socket.io',
        auth: { token: 'tok' },
        transports: ['websocket', 'polling'],
        reconnection: true,
        reconnectionDelay: 500,
        reconnectionDelayMax: 5000,
      });
      expect(options.randomizationFactor).toBeGreaterThan(0);
      expect(socket().connectCalls).toBe(1);
      expect(connection.state()).toBe('connecting');
    });

    it('is online once connected, and reports presence on every (re)connect', () => {
      const presences: PresenceEvent[] = [];
      connection.presence$.subscribe((event) => presences.push(event));
      connection.connect('tok');
      const presence = { room: { name: 'R' }, members: [] } as unknown as PresenceEvent;

      socket().accept();
      socket().send('presence', presence);
      expect(connection.state()).toBe('online');

      socket().drop();
      expect(connection.state()).toBe('reconnecting');
      socket().accept();
      socket().send('presence', presence);

      expect(connection.state()).toBe('online');
      expect(presences).toEqual([presence, presence]);
    });

    it('passes member and typing events through', () => {
      const members: MemberEvent[] = [];
      const typing: TypingEvent[] = [];
      connection.member$.subscribe((event) => members.push(event));
      connection.typing$.subscribe((event) => typing.push(event));
      connection.connect('tok');
      socket().accept();

      socket().send('member', { type: 'joined', name: 'Ann', at: 5 });
      socket().send('typing', { name: 'Ann', active: true });
      socket().send('typing', { name: 'Ann', active: 'yes' });

      expect(members).toEqual([{ type: 'joined', name: 'Ann', at: 5 }]);
      expect(typing).toEqual([{ name: 'Ann', active: true }]);
    });

    it('delivers relayed boxes as Uint8Array, whether ArrayBuffer or a view', () => {
      const received: ReceivedMessage[] = [];
      connection.message$.subscribe((message) => received.push(message));
      connection.connect('tok');
      socket().accept();

      socket().send('message', { id: 'a'.repeat(22), from: 'Ann', ts: 1, seq: 1, box: new Uint8Array([1, 2, 3]).buffer });
      const backing = new Uint8Array([9, 9, 4, 5, 9]);
      socket().send('message', { id: 'b'.repeat(22), from: 'Ann', ts: 2, seq: 2, box: backing.subarray(2, 4) });

      expect(received).toHaveLength(2);
      expect(received[0].box).toBeInstanceOf(Uint8Array);
      expect([...received[0].box]).toEqual([1, 2, 3]);
      expect([...received[1].box]).toEqual([4, 5]);
      expect(received[0]).toMatchObject({ id: 'a'.repeat(22), from: 'Ann', ts: 1, seq: 1 });
    });

    it('drops relayed messages that are malformed', () => {
      const received: ReceivedMessage[] = [];
      connection.message$.subscribe((message) => received.push(message));
      connection.connect('tok');
      socket().accept();

      socket().send('message', { id: 'a'.repeat(22), from: 'Ann', ts: 1, seq: 1, box: 'not binary' });
      socket().send('message', { id: 'a'.repeat(22), ts: 1, seq: 1, box: new ArrayBuffer(30) });
      socket().send('message', null);

      expect(received).toEqual([]);
    });
  });

  describe('send', () => {
    it('emits { id, box } with an ack timeout and resolves with the ack', async () => {
      connection.connect('tok');
      socket().accept();
      const message = { id: 'm'.repeat(22), box: box() };

      const sending = connection.send(message);
      const ack = socket().ackOf('message');
      expect(ack.args).toEqual([{ id: message.id, box: message.box }]);
      expect(ack.timeout).toBe(ackTimeoutMs(message.box.byteLength));
      ack.resolve({ ok: true, seq: 7, ts: 1234 });

      await expect(sending).resolves.toEqual({ seq: 7, ts: 1234 });
    });

    it('gives large boxes more time for their ack', () => {
      expect(ackTimeoutMs(8 * 1024 * 1024)).toBeGreaterThan(ackTimeoutMs(100) + 60_000);
    });

    it('queues messages until the socket is online', async () => {
      connection.connect('tok');
      const sending = connection.send({ id: 'q'.repeat(22), box: box() });
      expect(socket().sent('message')).toHaveLength(0);

      socket().accept();
      socket().ackOf('message').resolve({ ok: true, seq: 1, ts: 2 });

      await expect(sending).resolves.toEqual({ seq: 1, ts: 2 });
    });

    it('re-sends an unacknowledged message with the same id after a reconnect, and settles once', async () => {
      connection.connect('tok');
      socket().accept();
      const message = { id: 'r'.repeat(22), box: box() };
      const sending = connection.send(message);

      socket().drop();
      await flush();
      socket().accept();

      expect(socket().sent('message')).toEqual([message, message]);
      socket().ackOf('message').resolve({ ok: true, seq: 3, ts: 9 });
      await expect(sending).resolves.toEqual({ seq: 3, ts: 9 });

      socket().drop();
      await flush();
      socket().accept();
      expect(socket().sent('message')).toHaveLength(2);
    });

    it('keeps a message whose ack timed out while connected, for the next reconnect', async () => {
      connection.connect('tok');
      socket().accept();
      const message = { id: 't'.repeat(22), box: box() };
      const sending = connection.send(message);

      socket().ackOf('message').reject(new Error('operation has timed out'));
      await flush();
      expect(socket().sent('message')).toHaveLength(1);

      socket().drop();
      socket().accept();
      expect(socket().sent('message')).toEqual([message, message]);
      socket().ackOf('message').resolve({ ok: true, seq: 4, ts: 5 });
      await expect(sending).resolves.toEqual({ seq: 4, ts: 5 });
    });

    it('re-sends messages in the order they were sent', async () => {
      connection.connect('tok');
      socket().accept();
      const ids = ['a', 'b', 'c'].map((letter) => letter.repeat(22));
      for (const id of ids) void connection.send({ id, box: box() }).catch(() => undefined);

      socket().drop();
      await flush();
      socket().accept();

      expect(socket().sent('message').map((payload) => (payload as { id: string }).id)).toEqual([...ids, ...ids]);
    });

    it('rejects with the code of a refusal ack and does not send it again', async () => {
      connection.connect('tok');
      socket().accept();
      const sending = connection.send({ id: 'x'.repeat(22), box: box() });

      socket().ackOf('message').resolve({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'too big' } });
      const { error } = await settled(sending);

      expect(error).toBeInstanceOf(ApiProblem);
      expect((error as ApiProblem).code).toBe('PAYLOAD_TOO_LARGE');
      expect((error as ApiProblem).status).toBe(413);
      socket().drop();
      socket().accept();
      expect(socket().sent('message')).toHaveLength(1);
    });

    it('returns the pending promise when the same id is sent again', () => {
      connection.connect('tok');
      socket().accept();
      const message = { id: 'd'.repeat(22), box: box() };

      const first = connection.send(message);
      const second = connection.send(message);

      expect(second).toBe(first);
      expect(socket().sent('message')).toHaveLength(1);
    });

    it('rejects at once after the session ended', async () => {
      connection.connect('tok');
      socket().refuse('SESSION_NOT_FOUND');

      const { error } = await settled(connection.send({ id: 'e'.repeat(22), box: box() }));

      expect((error as ApiProblem).code).toBe('SESSION_NOT_FOUND');
    });
  });

  describe('the end of a session', () => {
    it.each(['TOKEN_INVALID', 'SESSION_NOT_FOUND', 'IP_MISMATCH', 'ORIGIN_REFUSED'] as const)(
      'ends on a refusal with %s, rejects pending sends with it and stops reconnecting',
      async (code) => {
        jest.useFakeTimers();
        connection.connect('tok');
        socket().accept();
        const sending = connection.send({ id: 'p'.repeat(22), box: box() });
        socket().drop();

        socket().refuse(code);
        const { error } = await settled(sending);
        jest.advanceTimersByTime(60_000);

        expect(connection.state()).toBe('ended');
        expect(connection.endReason()).toBe(code);
        expect((error as ApiProblem).code).toBe(code);
        expect(socket().active).toBe(false);
        expect(socket().connectCalls).toBe(1);
      },
    );

    it.each(['left', 'replaced', 'shutdown'] as const)('ends on session:end %s and rejects pending sends with SESSION_NOT_FOUND', async (reason) => {
      connection.connect('tok');
      socket().accept();
      const sending = connection.send({ id: 's'.repeat(22), box: box() });

      socket().send('session:end', { reason });
      const { error } = await settled(sending);

      expect(connection.state()).toBe('ended');
      expect(connection.endReason()).toBe(reason);
      expect((error as ApiProblem).code).toBe('SESSION_NOT_FOUND');
      expect(socket().connected).toBe(false);
      expect(socket().active).toBe(false);
    });

    it('ignores whatever the old socket says after the end', () => {
      const presences: PresenceEvent[] = [];
      connection.presence$.subscribe((event) => presences.push(event));
      connection.connect('tok');
      socket().accept();
      socket().send('session:end', { reason: 'replaced' });

      socket().send('presence', { room: {}, members: [] });
      socket().accept();

      expect(presences).toEqual([]);
      expect(connection.state()).toBe('ended');
      expect(connection.endReason()).toBe('replaced');
    });
  });

  describe('reconnecting', () => {
    it('retries a RATE_LIMITED refusal itself, backing off from 500 ms doubling to 5 s', () => {
      jest.useFakeTimers();
      jest.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter
      connection.connect('tok');
      const delays: number[] = [];

      for (let attempt = 0; attempt < 6; attempt++) {
        const calls = socket().connectCalls;
        socket().refuse('RATE_LIMITED');
        expect(connection.state()).toBe('connecting');
        let waited = 0;
        while (socket().connectCalls === calls && waited < 10_000) {
          jest.advanceTimersByTime(100);
          waited += 100;
        }
        delays.push(waited);
      }

      expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
      expect(RECONNECT_DELAY_MS).toBe(500);
      expect(RECONNECT_DELAY_MAX_MS).toBe(5000);
    });

    it('randomizes the backoff', () => {
      jest.useFakeTimers();
      jest.spyOn(Math, 'random').mockReturnValue(0);
      connection.connect('tok');

      socket().refuse('RATE_LIMITED');
      jest.advanceTimersByTime(249);
      expect(socket().connectCalls).toBe(1);
      jest.advanceTimersByTime(1);
      expect(socket().connectCalls).toBe(2);
    });

    it('starts the backoff over after a successful connect', () => {
      jest.useFakeTimers();
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      connection.connect('tok');
      socket().refuse('RATE_LIMITED');
      jest.advanceTimersByTime(500);
      socket().refuse('RATE_LIMITED');
      jest.advanceTimersByTime(1000);
      socket().accept();

      socket().kick();
      jest.advanceTimersByTime(499);
      expect(socket().connectCalls).toBe(3);
      jest.advanceTimersByTime(1);
      expect(socket().connectCalls).toBe(4);
    });

    it('leaves transport failures to socket.io, which retries by itself', () => {
      jest.useFakeTimers();
      connection.connect('tok');
      socket().accept();
      socket().drop();

      socket().unreachable();
      jest.advanceTimersByTime(60_000);

      expect(connection.state()).toBe('reconnecting');
      expect(socket().connectCalls).toBe(1);
    });

    it('reconnects itself when the server closed the socket without ending the session', () => {
      jest.useFakeTimers();
      connection.connect('tok');
      socket().accept();

      socket().kick();
      expect(connection.state()).toBe('reconnecting');
      jest.advanceTimersByTime(RECONNECT_DELAY_MS * 1.5);

      expect(socket().connectCalls).toBe(2);
    });
  });

  describe('typing', () => {
    it('emits only while online', () => {
      connection.connect('tok');
      connection.typing(true);
      socket().accept();
      connection.typing(true);
      socket().drop();
      connection.typing(false);

      expect(socket().sent('typing')).toEqual([{ active: true }]);
    });
  });

  describe('leave', () => {
    it('emits leave with a 2 s ack timeout, then closes with reason left', async () => {
      connection.connect('tok');
      socket().accept();

      const leaving = connection.leave();
      const ack = socket().ackOf('leave');
      expect(ack.timeout).toBe(LEAVE_TIMEOUT_MS);
      expect(LEAVE_TIMEOUT_MS).toBe(2000);
      ack.resolve({ ok: true });
      await leaving;

      expect(connection.state()).toBe('ended');
      expect(connection.endReason()).toBe('left');
      expect(socket().connected).toBe(false);
    });

    it('closes anyway when the ack does not come', async () => {
      connection.connect('tok');
      socket().accept();

      const leaving = connection.leave();
      socket().ackOf('leave').reject(new Error('operation has timed out'));
      await leaving;

      expect(connection.endReason()).toBe('left');
      expect(socket().active).toBe(false);
    });

    it('does not reconnect when the server closes the socket during leave', async () => {
      jest.useFakeTimers();
      connection.connect('tok');
      socket().accept();

      const leaving = connection.leave();
      socket().kick();
      await leaving;
      jest.advanceTimersByTime(60_000);

      expect(socket().connectCalls).toBe(1);
      expect(connection.endReason()).toBe('left');
    });

    it('rejects pending sends', async () => {
      connection.connect('tok');
      socket().accept();
      const sending = connection.send({ id: 'l'.repeat(22), box: box() });

      const leaving = connection.leave();
      socket().ackOf('leave').resolve({ ok: true });
      await leaving;

      expect(((await settled(sending)).error as ApiProblem).code).toBe('SESSION_NOT_FOUND');
    });
  });

  describe('disconnect', () => {
    it('closes the socket without leaving, so the session survives its grace', async () => {
      connection.connect('tok');
      socket().accept();
      const sending = connection.send({ id: 'n'.repeat(22), box: box() });

      connection.disconnect();

      expect(socket().sent('leave')).toEqual([]);
      expect(socket().connected).toBe(false);
      expect(socket().active).toBe(false);
      expect(connection.state()).toBe('ended');
      expect(connection.endReason()).toBeUndefined();
      expect(((await settled(sending)).error as ApiProblem).code).toBe('NETWORK');
    });

    it('happens when the providing injector is destroyed', () => {
      connection.connect('tok');
      socket().accept();

      TestBed.resetTestingModule();

      expect(sockets[0].connected).toBe(false);
      expect(sockets[0].sent('leave')).toEqual([]);
    });
  });
});
