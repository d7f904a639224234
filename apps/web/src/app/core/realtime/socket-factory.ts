import { InjectionToken } from '@angular/core';
import type { ClientToServerEvents, ServerToClientEvents } from '@ciphernest/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketFactory = (uri: string, options: Partial<ManagerOptions & SocketOptions>) => ChatSocket;

/** How ChatConnection opens its socket: socket.io-client's `io` unless a spec provides a fake. */
export const SOCKET_FACTORY = new InjectionToken<SocketFactory>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (uri, options) => io(uri, options) as ChatSocket,
});
