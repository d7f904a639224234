import { TestBed } from '@angular/core/testing';
import { ChatConnection } from './chat-connection';
import { type ChatSocket, SOCKET_FACTORY, type SocketFactory } from './socket-factory';
import { FakeSocket } from './testing/fake-socket';

describe('ChatConnection: resume and receipts', () => {
  let sockets: FakeSocket[];
  let factory: jest.Mock<ChatSocket, Parameters<SocketFactory>>;
  let connection: ChatConnection;
  const socket = () => sockets[sockets.length - 1];
  /** What the latest socket's next handshake carries as `auth`. */
  const handshake = (): unknown => {
    const { auth } = factory.mock.calls[factory.mock.calls.length - 1][1];
    if (typeof auth !== 'function') return auth;
    let sent: unknown;
    auth((data: object) => (sent = data));
    return sent;
  };

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

  describe('resume (docs/protocol.md §5.1)', () => {
    it('reads the resume point at every handshake, and leaves it out while there is none', () => {
      let seen: number | undefined = 0;
      connection.connect('tok', () => seen);
      expect(handshake()).toEqual({ token: 'tok', resume: 0 });

      socket().accept();
      seen = 12;
      socket().drop();
      expect(handshake()).toEqual({ token: 'tok', resume: 12 });

      seen = undefined;
      expect(handshake()).toEqual({ token: 'tok' });
    });

    it('passes on the others\' receipts and a missed span', () => {
      const events: unknown[] = [];
      connection.received$.subscribe((receipt) => events.push(receipt));
      connection.missed$.subscribe((missed) => events.push(missed));
      connection.connect('tok');
      socket().accept();

      socket().send('missed', { from: 2, to: 4 });
      socket().send('received', { name: 'Ann', seq: 9, missed: { from: 2, to: 4 } });

      expect(events).toEqual([
        { from: 2, to: 4 },
        { name: 'Ann', seq: 9, missed: { from: 2, to: 4 } },
      ]);
    });
  });

  describe('receipt (docs/protocol.md §5.2)', () => {
    it('emits received { seq, missed? } only while online, and says whether it went out', () => {
      connection.connect('tok');
      expect(connection.receipt(3)).toBe(false);
      socket().accept();

      expect(connection.receipt(5)).toBe(true);
      expect(connection.receipt(9, { from: 6, to: 7 })).toBe(true);
      socket().drop();
      expect(connection.receipt(10)).toBe(false);

      expect(socket().sent('received')).toEqual([{ seq: 5 }, { seq: 9, missed: { from: 6, to: 7 } }]);
    });
  });

});
