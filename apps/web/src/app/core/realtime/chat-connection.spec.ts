import { TestBed } from '@angular/core/testing';
import type { PresenceEvent } from '@ciphernest/protocol';
import { ApiProblem } from '../api/api-problem';
import { type ChatConnection, LEAVE_TIMEOUT_MS } from './chat-connection';
import { RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS } from './reconnect-backoff';
import { configureConnection, type FakeSocketFactory, lastHandshake } from './testing/configure-connection';
import { type FakeSocket, box, settled } from './testing/fake-socket';
import { ackTimeoutMs } from './unacked-messages';

const flush = () => new Promise<void>((resolve) => jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve));

describe('ChatConnection', () => {
  let sockets: FakeSocket[];
  let factory: FakeSocketFactory;
  let connection: ChatConnection;
  const socket = () => sockets[sockets.length - 1];
  const handshake = (): unknown => lastHandshake(factory);

  beforeEach(() => {
    ({ sockets, factory, connection } = configureConnection());
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
      expect(handshake()).toEqual({ token: 'tok' });
      expect(options).toMatchObject({
        path: '/socket.io',
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
    it('passes the room\'s events on from its socket', () => {
      const events: unknown[] = [];
      connection.member$.subscribe((event) => events.push(event));
      connection.message$.subscribe((message) => events.push(message.id));
      connection.typing$.subscribe((event) => events.push(event));
      connection.connect('tok');
      socket().accept();

      socket().send('member', { type: 'joined', name: 'Ann', at: 5 });
      socket().send('message', { id: 'a'.repeat(22), from: 'Ann', ts: 1, seq: 1, box: new Uint8Array([1, 2, 3]).buffer });
      socket().send('typing', { name: 'Ann', active: true });

      expect(events).toEqual([{ type: 'joined', name: 'Ann', at: 5 }, 'a'.repeat(22), { name: 'Ann', active: true }]);
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
