import type { Namespace } from 'socket.io';
import { ServerEvent, type RelayedMessage } from '@ciphernest/protocol';
import { MessageDelivery, type OutgoingMessage } from '../rooms/application/ports/message-delivery';
import type { MessageStamp } from '../rooms/domain/message-log';
import { roomChannel } from './channels';

/** A MessageDelivery that emits to the sockets of a Socket.IO namespace, once it is bound. */
export abstract class SocketMessageDelivery extends MessageDelivery {
  protected namespace: Namespace | undefined;

  bind(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** Emits to the room's sockets in this process, but the sender's (exactly the fields of PROTOCOL.md §5). */
  protected emitLocally(message: OutgoingMessage, stamp: MessageStamp): void {
    const relayed: RelayedMessage = { id: message.id, from: message.from, ts: stamp.ts, seq: stamp.seq, box: message.box };
    this.namespace?.local.to(roomChannel(message.roomKey)).except(message.senderSocketId).emit(ServerEvent.Message, relayed);
  }
}
