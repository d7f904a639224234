import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@ciphernest/protocol';
import type { TokenBucket } from './token-bucket';

/** What the handshake established about a socket (SocketHandshake), completed by SocketAttachment. */
export interface ChatSocketData {
  sessionId: string;
  roomKey: string;
  /** The room's display name once the session holds the socket; its key until then. */
  room: string;
  name: string;
  /** The client address as the log shows it (LOG_IP). */
  ip: string | undefined;
  /** Messages per socket (docs/protocol.md §7). */
  bucket: TokenBucket;
  /**
   * Typing events and receipts get a bucket of their own, so they never eat into the message
   * budget. Made by the first of them (a new bucket is full, as an unused one would be): a member
   * who never types costs no second bucket.
   */
  typingBucket?: TokenBucket;
  /** Settles once the session holds this socket; handlers wait for it. */
  ready: Promise<boolean>;
  /** What `ready` resolved to, set as it resolves: undefined until then. Lets a message skip the await. */
  attached: boolean | undefined;
  /**
   * socketRooms.ofRoom(roomKey), built once at the handshake: the socket joins it and typing is
   * broadcast to it (messages go through RoomSockets, which keeps the same string per room).
   */
  socketRoom: string;
  /** The `resume` of the handshake (docs/protocol.md §5.1): undefined when the client sent none. */
  resume: number | undefined;
  /** The id of the Engine.IO handshake's HTTP request (X-Request-ID from the proxy, or new), for the log. */
  requestId: string;
}

export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ChatSocketData>;
