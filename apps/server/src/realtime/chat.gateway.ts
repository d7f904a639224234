import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { PinoLogger } from 'nestjs-pino';
import type { Namespace, Socket } from 'socket.io';
import {
  CHAT_NAMESPACE,
  ClientEvent,
  ERROR_MESSAGES,
  isObject,
  ServerEvent,
  type ClientToServerEvents,
  type ErrorCode,
  type LeaveAck,
  type MessageAck,
  type ServerToClientEvents,
} from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { LogAddress } from '../logging/log-address';
import { ChatMetrics } from '../metrics/chat-metrics';
import { andThen, type Awaitable } from '../shared/awaitable';
import { Clock } from '../shared/clock';
import { addressKey, clientAddress } from '../shared/client-address';
import { OriginPolicy } from '../shared/origin-policy';
import { RelayMessage } from '../rooms/application/relay-message.use-case';
import { AuthenticateSession } from '../sessions/application/authenticate-session.use-case';
import { ConnectSession } from '../sessions/application/connect-session.use-case';
import { DisconnectSocket } from '../sessions/application/disconnect-socket.use-case';
import { EndSession } from '../sessions/application/end-session.use-case';
import { ResolveSpeaker } from '../sessions/application/resolve-speaker.use-case';
import { roomChannel, sessionChannel } from './channels';
import { parseMessage, type ParsedMessage } from './message-payload';
import { dropConnection, watchSlowConsumer } from './slow-consumer-watch';
import { SocketMessageDelivery } from './socket-message-delivery';
import { SocketRoomEvents } from './socket-room-events';
import { TokenBucket } from './token-bucket';

/** What the handshake established about a socket. */
interface ChatSocketData {
  sessionId: string;
  roomKey: string;
  room: string;
  name: string;
  ip: string | undefined;
  /** Messages per socket (PROTOCOL.md §7). */
  bucket: TokenBucket;
  /** Typing events get a bucket of their own, so they never eat into the message budget. */
  typingBucket: TokenBucket;
  /** Settles once the session holds this socket; handlers wait for it. */
  ready: Promise<boolean>;
  /** What `ready` resolved to, set as it resolves: undefined until then. Lets a message skip the await. */
  attached: boolean | undefined;
  /** roomChannel(roomKey), built once: a fresh string per event would be hashed again at every lookup. */
  channel: string;
}

type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ChatSocketData>;

type AckFn = (answer: unknown) => void;

type AcceptedMessage = Extract<ParsedMessage, { ok: true }>;

const CONNECTS_WINDOW_MS = 60_000;
const CLIENT_EVENTS = new Set<unknown>(Object.values(ClientEvent));

function refusal(code: ErrorCode, message = ERROR_MESSAGES[code]): { ok: false; error: { code: ErrorCode; message: string } } {
  return { ok: false, error: { code, message } };
}

function answerAck(answer: unknown, ack: AckFn | undefined): void {
  if (answer !== undefined && answer !== null) ack?.(answer);
}

class HandshakeRefusal extends Error {
  readonly data: { code: ErrorCode };

  constructor(code: ErrorCode) {
    super(ERROR_MESSAGES[code]);
    this.data = { code };
  }
}

/**
 * The real-time channel of PROTOCOL.md §5 on namespace `/chat`. Thin: the handshake checks
 * Origin, the connect rate and the token; events become use-case calls, results become acks
 * and one Socket.IO-room broadcast each. Payloads are never logged or echoed.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE })
export class ChatGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<ChatSocket> {
  private readonly origins: OriginPolicy;
  private namespace: Namespace | undefined;
  /** Sessions being turned away as their sockets close; a stopping process waits for them. */
  private readonly detaching = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly authenticate: AuthenticateSession,
    private readonly connectSession: ConnectSession,
    private readonly disconnectSocket: DisconnectSocket,
    private readonly endSession: EndSession,
    private readonly speakers: ResolveSpeaker,
    private readonly relay: RelayMessage,
    private readonly events: SocketRoomEvents,
    private readonly delivery: SocketMessageDelivery,
    private readonly addresses: LogAddress,
    private readonly metrics: ChatMetrics,
    @InjectThrottlerStorage() private readonly throttlerStorage: ThrottlerStorage,
    private readonly logger: PinoLogger,
  ) {
    this.origins = new OriginPolicy(config.allowedOrigins, config.trustProxy);
  }

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    this.events.bind(namespace);
    this.delivery.bind(namespace);
    namespace.use((socket, next) => {
      this.admit(socket as ChatSocket).then(
        () => next(),
        (error: unknown) => next(error instanceof HandshakeRefusal ? error : new HandshakeRefusal('TOKEN_INVALID')),
      );
    });
  }

  /** Order of checks: Origin, connect rate, token (PROTOCOL.md §4-5). */
  private async admit(socket: ChatSocket): Promise<void> {
    const address = clientAddress(socket.request, this.config.trustProxy);
    const ip = this.addresses.format(address);
    const refuse = (code: ErrorCode): never => {
      this.logger.info({ event: 'socket.rejected', ip, reason: code }, 'connection refused');
      this.metrics.rejected(code, 'handshake');
      throw new HandshakeRefusal(code);
    };
    if (!this.origins.allows(socket.request)) refuse('ORIGIN_REFUSED');
    if (await this.connectRateExceeded(address)) {
      this.logger.warn({ event: 'rate.limited', ip, limit: 'connects' }, 'rate limit hit');
      this.metrics.rejected('RATE_LIMITED', 'handshake');
      throw new HandshakeRefusal('RATE_LIMITED');
    }
    const auth: unknown = socket.handshake.auth;
    const token = isObject(auth) ? auth['token'] : undefined;
    const session = await this.authenticate.execute(token, address);
    if (!session.ok) return refuse(session.code);
    const { id, roomKey, name } = session.value;
    const { rateMessagesPerSec, rateMessagesBurst } = this.config.limits;
    socket.data = {
      sessionId: id,
      roomKey,
      // The room's display name is known once the session is attached (see attach()).
      room: roomKey,
      name,
      ip,
      bucket: new TokenBucket(rateMessagesPerSec, rateMessagesBurst, this.clock.now()),
      typingBucket: new TokenBucket(rateMessagesPerSec, rateMessagesBurst, this.clock.now()),
      ready: Promise.resolve(false),
      attached: undefined,
      channel: roomChannel(roomKey),
    };
  }

  private async connectRateExceeded(address: string): Promise<boolean> {
    const limit = this.config.limits.rateConnectsPerMin;
    if (limit === 0) return false;
    const key = `connects:${addressKey(address, this.config.perAddress.ipv6PrefixLength)}`;
    const record = await this.throttlerStorage.increment(key, CONNECTS_WINDOW_MS, limit, CONNECTS_WINDOW_MS, 'connects');
    return record.isBlocked;
  }

  handleConnection(socket: ChatSocket): void {
    socket.data.ready = this.attach(socket);
    // Bound here rather than with @SubscribeMessage: Nest's per-socket RxJS pipeline cost about
    // 13 KiB of heap per connected member and a fifth of the relay's CPU (docs/benchmarks.md).
    this.bind(socket, ClientEvent.Message, (payload) => this.message(socket, payload));
    this.bind(socket, ClientEvent.Typing, (payload) => this.typing(socket, payload));
    this.bind(socket, ClientEvent.Leave, (_payload, ack) => this.leave(socket, ack));
    socket.once('disconnect', (reason) => {
      const detaching = this.detach(socket, reason).catch((error: unknown) => {
        this.logger.error({ event: 'socket.error', err: error }, 'turning a session away failed');
      });
      this.detaching.add(detaching);
      void detaching.finally(() => this.detaching.delete(detaching));
    });
    // An event the protocol does not know is refused in its ack rather than left unanswered.
    // Runs for every event: a known one returns before any array is built.
    socket.onAny(function unknownEvent(event: unknown) {
      if (CLIENT_EVENTS.has(event)) return;
      // eslint-disable-next-line prefer-rest-params
      const ack: unknown = arguments[arguments.length - 1];
      if (typeof ack === 'function') (ack as AckFn)(refusal('VALIDATION_FAILED', 'Unknown event.'));
    });
    watchSlowConsumer(socket, this.config.limits.maxBufferedBytes, (bufferedBytes) => {
      this.logger.warn(
        { event: 'socket.slow_consumer', room: socket.data.room, user: socket.data.name, ip: socket.data.ip, bytes: bufferedBytes },
        'socket closed: too much data waiting for a slow reader',
      );
      queueMicrotask(() => dropConnection(socket));
    });
  }

  /**
   * Runs `handler` for every `event` with Nest's payload convention (a trailing function is the
   * ack; one other argument is the payload, several arrive as an array) and answers the ack with
   * what it returns. A throw is logged and answered INTERNAL; the payload is never echoed.
   */
  private bind(socket: ChatSocket, event: string, handler: (payload: unknown, ack: AckFn | undefined) => Awaitable<unknown>): void {
    (socket as unknown as Socket).on(event, (...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn) : undefined;
      const payload = args.length <= 1 ? args[0] : args;
      let answer: Awaitable<unknown>;
      try {
        answer = handler(payload, ack);
      } catch (error) {
        this.failed(error, ack);
        return;
      }
      // A synchronous answer (the message path with the in-memory store) is acknowledged at once.
      if (answer instanceof Promise) answer.then((value) => answerAck(value, ack), (error: unknown) => this.failed(error, ack));
      else answerAck(answer, ack);
    });
  }

  private failed(error: unknown, ack: AckFn | undefined): void {
    this.logger.error({ event: 'socket.error', err: error }, 'unexpected error in a socket handler');
    ack?.(refusal('INTERNAL'));
  }

  private async attach(socket: ChatSocket): Promise<boolean> {
    const { sessionId, name, ip } = socket.data;
    const connected = await this.connectSession.execute(sessionId, socket.id);
    if (!connected.ok) {
      socket.data.attached = false;
      socket.disconnect(true);
      return false;
    }
    const { room, members, vault, arrival } = connected.value;
    socket.data.room = room.name;
    if (arrival.kind === 'replaced') {
      const previous = socket.nsp.in(arrival.previousSocketId);
      previous.emit(ServerEvent.SessionEnd, { reason: 'replaced' });
      previous.disconnectSockets();
    }
    socket.join([socket.data.channel, sessionChannel(sessionId)]);
    socket.emit(ServerEvent.Presence, { room, members, vault });
    this.logger.info({ event: 'socket.connected', room: room.name, user: name, ip, arrival: arrival.kind }, 'socket connected');
    // Set just before `ready` resolves: handlers already waiting on it run before any later event.
    socket.data.attached = true;
    return true;
  }

  private async detach(socket: ChatSocket, reason: string): Promise<void> {
    if (!(await socket.data.ready)) return;
    const { sessionId, room, name, ip } = socket.data;
    this.logger.info({ event: 'socket.disconnected', room, user: name, ip, reason }, 'socket disconnected');
    await this.disconnectSocket.execute(sessionId, socket.id);
  }

  /**
   * Synchronous while the socket is attached and the stores answer synchronously (in memory):
   * the ack then goes out in the same tick as the relay, with no promise created.
   */
  message(socket: ChatSocket, payload: unknown): Awaitable<MessageAck> {
    return andThen(this.relayMessage(socket, payload), (ack) => {
      if (!ack.ok) this.metrics.rejected(ack.error.code, 'message');
      return ack;
    });
  }

  private relayMessage(socket: ChatSocket, payload: unknown): Awaitable<MessageAck> {
    const { bucket, attached } = socket.data;
    if (!bucket.take(this.clock.now())) {
      this.logger.debug({ event: 'message.rate_limited', room: socket.data.room, user: socket.data.name }, 'message refused');
      return refusal('RATE_LIMITED', 'Too many messages; slow down.');
    }
    const parsed = parseMessage(payload, this.config.limits.maxMessageBytes);
    if (!parsed.ok) return refusal(parsed.code, parsed.message);
    if (attached === undefined) return socket.data.ready.then((ready) => (ready ? this.stampAndRelay(socket, parsed) : refusal('SESSION_NOT_FOUND')));
    if (!attached) return refusal('SESSION_NOT_FOUND');
    return this.stampAndRelay(socket, parsed);
  }

  private stampAndRelay(socket: ChatSocket, parsed: AcceptedMessage): Awaitable<MessageAck> {
    const { sessionId, roomKey } = socket.data;
    const input = { sessionId, roomKey, socketId: socket.id, id: parsed.id, box: parsed.box };
    return andThen(this.relay.execute(input), (stamped): MessageAck => {
      if (!stamped.ok) return refusal(stamped.code);
      const { seq, ts, from, fresh } = stamped.value;
      if (fresh) {
        this.metrics.messageRelayed(parsed.box.length);
        if (this.logger.logger.isLevelEnabled('debug')) {
          this.logger.debug({ event: 'message.relayed', room: socket.data.room, user: from, seq, bytes: parsed.box.length }, 'message relayed');
        }
      }
      return { ok: true, seq, ts };
    });
  }

  async typing(socket: ChatSocket, payload: unknown): Promise<void> {
    const active = isObject(payload) ? payload['active'] : undefined;
    if (typeof active !== 'boolean' || !socket.data.typingBucket.take(this.clock.now())) return;
    if (!(await socket.data.ready)) return;
    const speaker = await this.speakers.execute(socket.data.sessionId, socket.id);
    if (!speaker.ok) return;
    socket.to(socket.data.channel).emit(ServerEvent.Typing, { name: speaker.value.name, active });
  }

  async leave(socket: ChatSocket, ack: ((answer: LeaveAck) => void) | undefined): Promise<void> {
    if (!(await socket.data.ready)) return;
    const speaker = await this.speakers.execute(socket.data.sessionId, socket.id);
    if (!speaker.ok) {
      socket.disconnect(true);
      return;
    }
    if (typeof ack === 'function') ack({ ok: true });
    await this.endSession.execute(socket.data.sessionId, 'left');
  }

  /**
   * Before the process stops. Alone (in-memory store), every room ends with it: every socket
   * hears `shutdown` and is closed (PROTOCOL.md §5). With a shared store the rooms live on in
   * the other processes: this process's sockets are closed without `session:end`, their
   * sessions turn away (the others hear `away`), and clients reconnect to another process
   * within the grace and come `back`. Resolves once every session is turned away.
   */
  async shutdown(): Promise<void> {
    const local = this.namespace?.local;
    if (!local) return;
    if (this.config.store === 'memory') local.emit(ServerEvent.SessionEnd, { reason: 'shutdown' });
    local.disconnectSockets(true);
    await Promise.allSettled([...this.detaching]);
  }
}
