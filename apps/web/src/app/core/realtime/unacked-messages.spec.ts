import { ApiProblem } from '../api/api-problem';
import type { ChatSocket } from './socket-factory';
import { FakeSocket, box, settled } from './testing/fake-socket';
import { ackTimeoutMs, UnackedMessages } from './unacked-messages';

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('UnackedMessages', () => {
  let unacked: UnackedMessages;
  let socket: FakeSocket;
  const online = () => socket as unknown as ChatSocket;
  const sentIds = () => socket.sent('message').map((payload) => (payload as { id: string }).id);

  beforeEach(() => {
    unacked = new UnackedMessages();
    socket = new FakeSocket();
    socket.accept();
  });

  it('gives large boxes more time for their ack', () => {
    expect(ackTimeoutMs(8 * 1024 * 1024)).toBeGreaterThan(ackTimeoutMs(100) + 60_000);
  });

  it('emits { id, box } at once when online, with an ack timeout for its size, and resolves with the ack', async () => {
    const message = { id: 'm'.repeat(22), box: box() };
    const sending = unacked.send(message, online());

    const ack = socket.ackOf('message');
    expect(ack.args).toEqual([{ id: message.id, box: message.box }]);
    expect(ack.timeout).toBe(ackTimeoutMs(message.box.byteLength));
    ack.resolve({ ok: true, seq: 7, ts: 1234 });

    await expect(sending).resolves.toEqual({ seq: 7, ts: 1234 });
  });

  it('holds a message sent while offline for the next connection', () => {
    void unacked.send({ id: 'q'.repeat(22), box: box() }, undefined);
    expect(sentIds()).toEqual([]);

    unacked.resendOn(online());

    expect(sentIds()).toEqual(['q'.repeat(22)]);
  });

  it('emits each pending message once per connection, in the order they were sent', () => {
    unacked.resendOn(online());
    const ids = ['a', 'b', 'c'].map((letter) => letter.repeat(22));
    for (const id of ids) void unacked.send({ id, box: box() }, online());

    unacked.resendOn(online());
    unacked.resendOn(online());

    expect(sentIds()).toEqual([...ids, ...ids, ...ids]);
  });

  it('does not emit on the same connection again what it already carried', () => {
    void unacked.send({ id: 'o'.repeat(22), box: box() }, undefined);
    unacked.resendOn(online());

    void unacked.send({ id: 'n'.repeat(22), box: box() }, online());

    expect(sentIds()).toEqual(['o'.repeat(22), 'n'.repeat(22)]);
  });

  it('keeps a message whose ack timed out, and settles it once', async () => {
    const message = { id: 't'.repeat(22), box: box() };
    const sending = unacked.send(message, online());
    socket.ackOf('message').reject(new Error('operation has timed out'));
    await flush();

    unacked.resendOn(online());
    socket.ackOf('message', 1).resolve({ ok: true, seq: 4, ts: 5 });
    await expect(sending).resolves.toEqual({ seq: 4, ts: 5 });

    unacked.resendOn(online());
    expect(sentIds()).toHaveLength(2);
  });

  it('rejects with the code of a refusal ack and does not send it again', async () => {
    const sending = unacked.send({ id: 'x'.repeat(22), box: box() }, online());

    socket.ackOf('message').resolve({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'too big' } });
    const { error } = await settled(sending);

    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).code).toBe('PAYLOAD_TOO_LARGE');
    expect((error as ApiProblem).status).toBe(413);
    expect((error as ApiProblem).message).toBe('too big');
    unacked.resendOn(online());
    expect(sentIds()).toHaveLength(1);
  });

  it('rejects with INTERNAL when the ack is neither a stamp nor a known refusal', async () => {
    const sending = unacked.send({ id: 'w'.repeat(22), box: box() }, online());

    socket.ackOf('message').resolve({ ok: false, error: { code: 'NO_SUCH_CODE' } });

    expect(((await settled(sending)).error as ApiProblem).code).toBe('INTERNAL');
  });

  it('returns the pending promise when the same id is sent again', () => {
    const message = { id: 'd'.repeat(22), box: box() };

    const first = unacked.send(message, online());
    const second = unacked.send(message, online());

    expect(second).toBe(first);
    expect(sentIds()).toHaveLength(1);
  });

  it('rejects every pending message with the problem it is given, and forgets them', async () => {
    const sending = unacked.send({ id: 'r'.repeat(22), box: box() }, online());
    const problem = new ApiProblem('NETWORK', 0, 'The connection was closed.');

    unacked.rejectAll(problem);

    expect((await settled(sending)).error).toBe(problem);
    unacked.resendOn(online());
    expect(sentIds()).toHaveLength(1);
  });
});
