import type { Server, Socket } from 'socket.io';
import { CHAT_NAMESPACE } from '@ciphernest/protocol';
import { announcesAttachments } from './chat-socket-parser';

/**
 * The largest frame (a WebSocket message, or a long-polling POST) a connection may send before
 * its socket has joined /chat: enough for the CONNECT packet and its auth `{ token, resume }`
 * (under 1 KiB), so what an unauthenticated client can make the server allocate stays small.
 * It is the server's `maxHttpBufferSize`; joining raises it for that connection alone.
 */
export const PRE_ADMISSION_FRAME_BYTES = 4 * 1024;

/**
 * How long a packet that announced its binary attachment may wait for it. The server holds the
 * packet's text until then; past it the connection is dropped with what it held. A client sends
 * the attachment right behind the text, so only an upload slower than this is cut (the ping
 * timeout cuts a frame that takes longer than 5 to 15 s anyway: no pong can pass it).
 */
export const PARTIAL_PACKET_TIMEOUT_MS = 10_000;

/** What is used here of an Engine.IO transport: long-polling's body limit, or the WebSocket under it. */
interface EngineTransport {
  readonly name: string;
  maxHttpBufferSize?: number;
  socket?: { terminate?: () => void; _receiver?: { _maxPayload?: number } };
}

/** What is used here of an Engine.IO connection (engine.io's Socket). */
interface EngineConnection {
  readonly readyState: string;
  readonly transport: EngineTransport;
  on(event: 'message', listener: (data: unknown) => void): unknown;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  close(discard?: boolean): unknown;
}

/**
 * Frame limits by admission (docs/protocol.md §5, docs/protocol-transport.md): PRE_ADMISSION_FRAME_BYTES
 * until the connection's socket has joined /chat, `admittedFrameBytes` (the transport limit)
 * from then on, on its current transport and on the one it upgrades to. A connection whose
 * /chat socket goes away is closed: nothing else is served on it. Every connection's partial
 * packets get PARTIAL_PACKET_TIMEOUT_MS, and a connection Socket.IO closes for a malformed
 * packet is dropped at once, so frames queued behind that packet are never read.
 */
export function limitFrames(server: Server, admittedFrameBytes: number): void {
  const engine = server.engine as unknown as { on(event: 'connection', listener: (connection: EngineConnection) => void): void };
  engine.on('connection', (connection) => connection.on('message', watchPacket));
  // Listeners shared by every connection (the emitter is `this`): nothing per member.
  const raiseOnUpgrade = (transport: EngineTransport): void => setFrameLimit(transport, admittedFrameBytes);
  server.of(CHAT_NAMESPACE).on('connection', (socket: Socket) => {
    const connection = socket.conn as unknown as EngineConnection;
    setFrameLimit(connection.transport, admittedFrameBytes);
    connection.on('upgrade', raiseOnUpgrade);
    socket.on('disconnect', closeConnection);
  });
}

/** A /chat socket went away: its connection serves nothing else. */
function closeConnection(this: Socket): void {
  this.conn.close();
}

/**
 * What a POST body of long-polling may hold to carry a frame of `bytes`: polling sends binary
 * as base64 text (4 characters per 3 bytes, after a `b` marker), so a box of MAX_MESSAGE_BYTES
 * must fit in about 4/3 of the limit, and packets of a batch are joined by a separator.
 */
export function pollingBodyBytes(bytes: number): number {
  return 4 * Math.ceil(bytes / 3) + 1_024;
}

/**
 * Long-polling reads `maxHttpBufferSize` of its transport at every POST. `ws` has no setting
 * per connection: its receiver's `_maxPayload` is read at every frame header. Should a later
 * `ws` rename it, connections keep the small limit (tests catch it), never a larger one.
 */
function setFrameLimit(transport: EngineTransport, bytes: number): void {
  if (transport.name === 'polling') transport.maxHttpBufferSize = pollingBodyBytes(bytes);
  const receiver = transport.socket?._receiver;
  if (transport.name === 'websocket' && receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
}

/**
 * A connection's partial packet: one timer per connection, made by its first packet that
 * announces an attachment and re-armed by refresh() (a message with a box must not cost a
 * timer). A connection that never sends one (an idle member) has none.
 */
class PartialPacket {
  pending = true;
  readonly deadline: NodeJS.Timeout;

  constructor(connection: EngineConnection) {
    this.deadline = setTimeout(() => this.pending && drop(connection), PARTIAL_PACKET_TIMEOUT_MS);
    connection.once('close', () => clearTimeout(this.deadline));
  }
}

const partialPackets = new WeakMap<EngineConnection, PartialPacket>();

/** Every connection's `message` listener; runs after Socket.IO has read the packet (its 'data' listener comes first). */
function watchPacket(this: EngineConnection, data: unknown): void {
  if (this.readyState !== 'open') {
    drop(this);
    return;
  }
  if (announcesAttachments(data)) {
    const partial = partialPackets.get(this);
    if (!partial) {
      partialPackets.set(this, new PartialPacket(this));
    } else if (!partial.pending) {
      partial.pending = true;
      partial.deadline.refresh();
    }
  } else if (typeof data !== 'string') {
    // With one attachment per packet, any binary frame completes (or breaks) the packet.
    const partial = partialPackets.get(this);
    if (partial) partial.pending = false;
  }
}

/** Closes at once, discarding what is queued either way, so Socket.IO drops the partial packet it held. */
function drop(connection: EngineConnection): void {
  const webSocket = connection.transport.socket;
  connection.close(true);
  webSocket?.terminate?.();
}
