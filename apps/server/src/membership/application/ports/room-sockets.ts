import type { RelayedMessage } from '@ciphernest/protocol';

/**
 * This process's sockets of each room: where a MessageDelivery hands a stamped message over,
 * in the same step as the stamp (with Redis, each process as the message reaches it).
 * Implemented by the real-time adapter.
 */
export abstract class RoomSockets {
  /**
   * Emits `message` to this process's sockets of the room, but the sender's. Synchronous and
   * run once per message (per process): no I/O, nothing per member.
   * Security: the box is opaque ciphertext; never inspect or log it.
   */
  abstract relay(roomKey: string, senderSocketId: string, message: RelayedMessage): void;
}
