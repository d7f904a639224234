import { type ChatConnection } from './chat-connection';
import { configureConnection, type FakeSocketFactory, lastHandshake } from './testing/configure-connection';
import { type FakeSocket } from './testing/fake-socket';

describe('ChatConnection: resume and receipts', () => {
  let sockets: FakeSocket[];
  let factory: FakeSocketFactory;
  let connection: ChatConnection;
  const socket = () => sockets[sockets.length - 1];
  const handshake = (): unknown => lastHandshake(factory);

  beforeEach(() => {
    ({ sockets, factory, connection } = configureConnection());
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
