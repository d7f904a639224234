import type { Namespace } from 'socket.io';
import { ServerEvent, type RelayedMessage } from '@ciphernest/protocol';
import { MessageDelivery } from '../rooms/application/ports/message-delivery';
import { roomChannel } from './channels';

/** What a process needs to emit a stamped message to its own sockets of the room. */
export interface LocalRelay {
  roomKey: string;
  senderSocketId: string;
  message: RelayedMessage;
}

/** A MessageDelivery that emits to the sockets of a Socket.IO namespace, once it is bound. */
export abstract class SocketMessageDelivery extends MessageDelivery {
  protected namespace: Namespace | undefined;

  bind(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** Emits to the room's sockets in this process, but the sender's (exactly the fields of PROTOCOL.md §5). */
  protected emitLocally({ roomKey, senderSocketId, message }: LocalRelay): void {
    this.namespace?.local.to(roomChannel(roomKey)).except(senderSocketId).emit(ServerEvent.Message, message);
  }
}
