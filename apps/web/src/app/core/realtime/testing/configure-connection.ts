import { TestBed } from '@angular/core/testing';
import { ChatConnection } from '../chat-connection';
import { type ChatSocket, SOCKET_FACTORY, type SocketFactory } from '../socket-factory';
import { FakeSocket } from './fake-socket';

export type FakeSocketFactory = jest.Mock<ChatSocket, Parameters<SocketFactory>>;

/** A ChatConnection whose sockets are FakeSockets, kept in `sockets` in the order it made them. */
export function configureConnection(): { sockets: FakeSocket[]; factory: FakeSocketFactory; connection: ChatConnection } {
  const sockets: FakeSocket[] = [];
  const factory: FakeSocketFactory = jest.fn((..._args: Parameters<SocketFactory>) => {
    const created = new FakeSocket();
    sockets.push(created);
    return created as unknown as ChatSocket;
  });
  TestBed.configureTestingModule({ providers: [ChatConnection, { provide: SOCKET_FACTORY, useValue: factory }] });
  return { sockets, factory, connection: TestBed.inject(ChatConnection) };
}

/** What the latest socket's next handshake carries as `auth`. */
export function lastHandshake(factory: FakeSocketFactory): unknown {
  const { auth } = factory.mock.calls[factory.mock.calls.length - 1][1];
  if (typeof auth !== 'function') return auth;
  let sent: unknown;
  auth((data: object) => (sent = data));
  return sent;
}
