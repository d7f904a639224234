import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { AppConfig } from '../config/app-config';
import type { ChatSocket } from './chat-socket';
import { NamespaceRoomSockets } from './namespace-room-sockets';
import { dropConnection, watchSlowConsumer } from './slow-consumer-watch';
import { SocketAttachment } from './socket-attachment';
import { SocketHandshake } from './socket-handshake';
import { SocketReport } from './socket-report';
import { SocketRoomEvents } from './socket-room-events';

/**
 * The life of /chat's connections, apart from the events they carry: the namespace handed to
 * the adapters that emit through it, the handshake in front of every socket, each socket's
 * attachment to its session and its slow-consumer watch, and the stop.
 */
@Injectable()
export class ChatConnections {
  private namespace: Namespace | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly handshake: SocketHandshake,
    private readonly attachment: SocketAttachment,
    private readonly roomEvents: SocketRoomEvents,
    private readonly roomSockets: NamespaceRoomSockets,
    private readonly report: SocketReport,
  ) {}

  /** Once, when the namespace exists. */
  open(namespace: Namespace): void {
    this.namespace = namespace;
    this.roomEvents.bind(namespace);
    this.roomSockets.bind(namespace);
    this.handshake.guard(namespace);
  }

  /** `disconnect` of every socket: one listener for all (a socket disconnects once). */
  private readonly onDisconnect = ((connections: ChatConnections) =>
    function socketDisconnected(this: ChatSocket, reason: string): void {
      connections.attachment.detach(this, reason);
    })(this);

  /** A socket the handshake admitted: attached to its session, watched, detached when it goes. */
  accept(socket: ChatSocket): void {
    socket.data.ready = this.attachment.attach(socket);
    socket.on('disconnect', this.onDisconnect);
    watchSlowConsumer(socket, this.config.limits.maxBufferedBytes, (bufferedBytes) => {
      this.report.slowConsumer(socket.data, bufferedBytes);
      queueMicrotask(() => dropConnection(socket));
    });
  }

  /** Before the process stops: see SocketAttachment.shutdown. */
  shutdown(): Promise<void> {
    return this.attachment.shutdown(this.namespace);
  }
}
