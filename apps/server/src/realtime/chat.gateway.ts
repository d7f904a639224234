import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace } from 'socket.io';
import { CHAT_NAMESPACE, ClientEvent, isObject, ServerEvent, type LeaveAck, type MessageAck, type ReceiptEvent } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { EndSession } from '../membership/application/end-session.use-case';
import { RelayMessage } from '../membership/application/relay-message.use-case';
import { AcceptReceipt } from '../membership/application/accept-receipt.use-case';
import { ResolveSpeaker } from '../membership/application/resolve-speaker.use-case';
import { andThen, type Awaitable } from '../shared/awaitable';
import { Clock } from '../shared/clock';
import { socketEvents } from './bind-handler';
import { ChatConnections } from './chat-connections';
import type { ChatSocket } from './chat-socket';
import { parseMessage, type ParsedMessage } from './message-payload';
import { parseReceipt } from './receipt-payload';
import { socketRefusal } from './socket-refusal';
import { SocketReport } from './socket-report';
import { TokenBucket } from './token-bucket';

type AcceptedMessage = Extract<ParsedMessage, { ok: true }>;

/**
 * The real-time channel of docs/protocol.md §5 on namespace `/chat`: each client event becomes a
 * use-case call, each result an ack and at most one Socket.IO-room broadcast. The connections'
 * life (handshake, attachment, slow consumers, stop) is ChatConnections'; the ack convention is
 * socketEvents'. Payloads are never logged or echoed.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE })
export class ChatGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<ChatSocket> {
  private readonly failed = (error: unknown): void => this.report.handlerFailed(error);
  /** One listener for every event of every socket (socketEvents): nothing per member. */
  private readonly onEvent = socketEvents<ChatSocket>(
    {
      [ClientEvent.Message]: (socket, payload) => this.message(socket, payload),
      [ClientEvent.Typing]: (socket, payload) => this.typing(socket, payload),
      [ClientEvent.Received]: (socket, payload) => this.received(socket, payload),
      [ClientEvent.Leave]: (socket, _payload, ack) => this.leave(socket, ack),
    },
    this.failed,
  );

  constructor(
    private readonly config: AppConfig,
    private readonly connections: ChatConnections,
    private readonly relay: RelayMessage,
    private readonly speakers: ResolveSpeaker,
    private readonly endSession: EndSession,
    private readonly receipts: AcceptReceipt,
    private readonly report: SocketReport,
    private readonly clock: Clock,
  ) {}

  /** The socket's bucket for typing and receipts, made by the first of them (ChatSocketData.typingBucket). */
  private typingBucketOf(socket: ChatSocket): TokenBucket {
    const { rateMessagesPerSec, rateMessagesBurst } = this.config.limits;
    return (socket.data.typingBucket ??= new TokenBucket(rateMessagesPerSec, rateMessagesBurst, this.clock));
  }

  afterInit(namespace: Namespace): void {
    this.connections.open(namespace);
  }

  handleConnection(socket: ChatSocket): void {
    this.connections.accept(socket);
    socket.onAny(this.onEvent);
  }

  /**
   * `message` -> RelayMessage. Synchronous while the socket is attached and the stores answer
   * synchronously (in memory): the ack then goes out in the same tick as the relay, with no
   * promise created.
   */
  message(socket: ChatSocket, payload: unknown): Awaitable<MessageAck> {
    return andThen(this.relayMessage(socket, payload), (ack) => {
      if (!ack.ok) this.report.messageRefused(ack.error.code);
      return ack;
    });
  }

  private relayMessage(socket: ChatSocket, payload: unknown): Awaitable<MessageAck> {
    const { bucket, attached } = socket.data;
    if (!bucket.take()) {
      this.report.messageRateLimited(socket.data);
      return socketRefusal('RATE_LIMITED', 'Too many messages; slow down.');
    }
    const parsed = parseMessage(payload, this.config.limits.maxMessageBytes);
    if (!parsed.ok) return socketRefusal(parsed.code, parsed.message);
    if (attached === undefined) return socket.data.ready.then((ready) => (ready ? this.stampAndRelay(socket, parsed) : socketRefusal('SESSION_NOT_FOUND')));
    if (!attached) return socketRefusal('SESSION_NOT_FOUND');
    return this.stampAndRelay(socket, parsed);
  }

  private stampAndRelay(socket: ChatSocket, parsed: AcceptedMessage): Awaitable<MessageAck> {
    const { sessionId, roomKey } = socket.data;
    const message = { sessionId, roomKey, senderSocketId: socket.id, id: parsed.id, box: parsed.box };
    return andThen(this.relay.execute(message), (stamped): MessageAck => {
      if (!stamped.ok) return socketRefusal(stamped.code);
      const { seq, ts, fresh } = stamped.value;
      if (fresh) this.report.messageRelayed(socket.data, seq, parsed.box.length);
      return { ok: true, seq, ts };
    });
  }

  /** `typing` -> ResolveSpeaker, then one broadcast to the others of the room; no ack. */
  async typing(socket: ChatSocket, payload: unknown): Promise<void> {
    const active = isObject(payload) ? payload['active'] : undefined;
    if (typeof active !== 'boolean' || !this.typingBucketOf(socket).take()) return;
    if (!(await socket.data.ready)) return;
    const speaker = await this.speakers.execute(socket.data.sessionId, socket.data.roomKey, socket.id);
    if (!speaker.ok) return;
    socket.to(socket.data.socketRoom).emit(ServerEvent.Typing, { name: speaker.value.name, active });
  }

  /**
   * `received` (docs/protocol.md §5.2) -> AcceptReceipt, then one broadcast to the others when it
   * counts; anything else is dropped silently. Only relayed receipts take from the typing bucket.
   */
  async received(socket: ChatSocket, payload: unknown): Promise<void> {
    const receipt = parseReceipt(payload);
    if (!receipt || !(await socket.data.ready)) return;
    const { sessionId, roomKey, socketRoom } = socket.data;
    const typingBucket = this.typingBucketOf(socket);
    if (!typingBucket.has()) return;
    const name = await this.receipts.execute(sessionId, roomKey, socket.id, receipt.seq);
    if (name === undefined) return;
    typingBucket.take();
    const relayed: ReceiptEvent = { name, ...receipt };
    socket.to(socketRoom).emit(ServerEvent.Received, relayed);
  }

  /** `leave` -> ResolveSpeaker, the ack, then EndSession (which tells the others and closes the socket). */
  async leave(socket: ChatSocket, ack: ((answer: LeaveAck) => void) | undefined): Promise<void> {
    if (!(await socket.data.ready)) return;
    const speaker = await this.speakers.execute(socket.data.sessionId, socket.data.roomKey, socket.id);
    if (!speaker.ok) {
      socket.disconnect(true);
      return;
    }
    if (typeof ack === 'function') ack({ ok: true });
    await this.endSession.execute(socket.data.sessionId, 'left');
  }

  /** Before the process stops: see SocketAttachment.shutdown. */
  shutdown(): Promise<void> {
    return this.connections.shutdown();
  }
}
