import type { MemberEvent, MissedEvent, ReceiptEvent, TypingEvent } from '@ciphernest/protocol';
import type { Observable } from 'rxjs';
import { type ReceivedMessage, ServerEventStreams } from './server-event-streams';
import type { ChatSocket } from './socket-factory';
import { FakeSocket } from './testing/fake-socket';

describe('ServerEventStreams', () => {
  let socket: FakeSocket;
  let streams: ServerEventStreams;

  beforeEach(() => {
    socket = new FakeSocket();
    streams = new ServerEventStreams();
    streams.listenTo(socket as unknown as ChatSocket);
  });

  it('passes member and typing events through', () => {
    const members: MemberEvent[] = [];
    const typing: TypingEvent[] = [];
    streams.member$.subscribe((event) => members.push(event));
    streams.typing$.subscribe((event) => typing.push(event));

    socket.send('member', { type: 'joined', name: 'Ann', at: 5 });
    socket.send('typing', { name: 'Ann', active: true });
    socket.send('typing', { name: 'Ann', active: 'yes' });

    expect(members).toEqual([{ type: 'joined', name: 'Ann', at: 5 }]);
    expect(typing).toEqual([{ name: 'Ann', active: true }]);
  });

  it('delivers relayed boxes as Uint8Array, whether ArrayBuffer or a view', () => {
    const received: ReceivedMessage[] = [];
    streams.message$.subscribe((message) => received.push(message));

    socket.send('message', { id: 'a'.repeat(22), from: 'Ann', ts: 1, seq: 1, box: new Uint8Array([1, 2, 3]).buffer });
    const backing = new Uint8Array([9, 9, 4, 5, 9]);
    socket.send('message', { id: 'b'.repeat(22), from: 'Ann', ts: 2, seq: 2, box: backing.subarray(2, 4) });

    expect(received).toHaveLength(2);
    expect(received[0].box).toBeInstanceOf(Uint8Array);
    expect([...received[0].box]).toEqual([1, 2, 3]);
    expect([...received[1].box]).toEqual([4, 5]);
    expect(received[0]).toMatchObject({ id: 'a'.repeat(22), from: 'Ann', ts: 1, seq: 1 });
  });

  it('drops relayed messages that are malformed', () => {
    const received: ReceivedMessage[] = [];
    streams.message$.subscribe((message) => received.push(message));

    socket.send('message', { id: 'a'.repeat(22), from: 'Ann', ts: 1, seq: 1, box: 'not binary' });
    socket.send('message', { id: 'a'.repeat(22), ts: 1, seq: 1, box: new ArrayBuffer(30) });
    socket.send('message', null);

    expect(received).toEqual([]);
  });

  it('drops presence and member payloads that are not objects', () => {
    const seen: unknown[] = [];
    streams.presence$.subscribe((event) => seen.push(event));
    streams.member$.subscribe((event) => seen.push(event));

    socket.send('presence', 'room');
    socket.send('member', null);

    expect(seen).toEqual([]);
  });

  it('passes receipts through, with or without a missed span, and drops malformed ones', () => {
    const receipts: ReceiptEvent[] = [];
    streams.received$.subscribe((receipt) => receipts.push(receipt));

    socket.send('received', { name: 'Ann', seq: 4 });
    socket.send('received', { name: 'Ann', seq: 9, missed: { from: 5, to: 7 } });
    socket.send('received', { name: 'Ann', seq: 3, missed: { from: 2, to: 4 } });
    socket.send('received', { name: 'Ann', seq: 0 });
    socket.send('received', { name: 'Ann', seq: 2.5 });
    socket.send('received', { seq: 5 });
    socket.send('received', { name: 'Ann', seq: 6, missed: { from: 3 } });

    expect(receipts).toEqual([
      { name: 'Ann', seq: 4 },
      { name: 'Ann', seq: 9, missed: { from: 5, to: 7 } },
    ]);
  });

  it('passes a missed span through, and drops one that is not 1 <= from <= to', () => {
    const gaps: MissedEvent[] = [];
    streams.missed$.subscribe((gap) => gaps.push(gap));

    socket.send('missed', { from: 3, to: 5 });
    socket.send('missed', { from: 5, to: 3 });
    socket.send('missed', { from: 0, to: 3 });
    socket.send('missed', { from: '1', to: 3 });

    expect(gaps).toEqual([{ from: 3, to: 5 }]);
  });

  it('completes every stream when asked', () => {
    let completed = 0;
    const streamsOf: Observable<unknown>[] = [streams.presence$, streams.member$, streams.message$, streams.typing$, streams.received$, streams.missed$];
    for (const stream of streamsOf) stream.subscribe({ complete: () => completed++ });

    streams.complete();

    expect(completed).toBe(6);
  });
});
