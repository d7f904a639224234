import type { RelayedMessage } from '@ciphernest/protocol';
import type { Replay } from './message-replay';

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

  /**
   * Whether this process has a socket of the room now, resuming ones included: with Redis, a
   * room's live messages are kept in order only for rooms a process hosts (RedisRelayOrder).
   */
  abstract hosts(roomKey: string): boolean;

  /**
   * A socket is about to resume (docs/protocol.md §5.1): until `resume`, the room's live messages
   * are kept back from it, so none can overtake the replay. Call before the socket joins its room.
   */
  abstract holdBack(roomKey: string, socketId: string): void;

  /**
   * Sends the socket `missed`, then the replayed messages, then what was kept back with a seq
   * above `replay.upTo`; from then on it gets the live stream but no message up to `upTo` (it had
   * them, or they came before). Undefined (the room is gone): what was kept back is dropped.
   */
  abstract resume(roomKey: string, socketId: string, replay: Replay | undefined): void;
}
