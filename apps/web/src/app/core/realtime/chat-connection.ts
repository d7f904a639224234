import { DestroyRef, Injectable, InjectionToken, inject, signal, type Signal } from '@angular/core';
import {
  CHAT_NAMESPACE,
  ClientEvent,
  ERROR_MESSAGES,
  HTTP_STATUS,
  isObject,
  ServerEvent,
  SOCKET_PATH,
  type ClientToServerEvents,
  type ErrorCode,
  type MemberEvent,
  type MessageAck,
  type PresenceEvent,
  type RelayedMessage,
  type ServerToClientEvents,
  type SessionEndReason,
  type TypingEvent,
} from '@ciphernest/protocol';
import { Subject, type Observable } from 'rxjs';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ApiProblem, isErrorCode } from '../api/api-problem';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'ended';

/** Why a session ended: the server's `session:end` reason, or the code it refused a (re)connection with. */
export type EndReason = SessionEndReason | 'TOKEN_INVALID' | 'SESSION_NOT_FOUND' | 'IP_MISMATCH' | 'ORIGIN_REFUSED';

/** A relayed message with its box as bytes (browsers receive an ArrayBuffer). */
export type ReceivedMessage = Omit<RelayedMessage, 'box'> & { box: Uint8Array };

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketFactory = (uri: string, options: Partial<ManagerOptions & SocketOptions>) => ChatSocket;

/** How ChatConnection opens its socket: socket.io-client's `io` unless a spec provides a fake. */
export const SOCKET_FACTORY = new InjectionToken<SocketFactory>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (uri, options) => io(uri, options) as ChatSocket,
});

/** Reconnect backoff: 500 ms doubling to 5 s, each delay randomized by ±50%. */
export const RECONNECT_DELAY_MS = 500;
export const RECONNECT_DELAY_MAX_MS = 5_000;
const RECONNECT_RANDOMIZATION = 0.5;
/** How long leave() waits for the server's ack before closing anyway. */
export const LEAVE_TIMEOUT_MS = 2_000;

/**
 * How long a message's ack may take while connected: 15 s plus upload time at 128 kbit/s,
 * so a large image on a slow link is not given up on while it is still uploading.
 */
export function ackTimeoutMs(boxBytes: number): number {
  return 15_000 + Math.ceil(boxBytes / 16);
}

const TERMINAL_CODES: readonly string[] = ['TOKEN_INVALID', 'SESSION_NOT_FOUND', 'IP_MISMATCH', 'ORIGIN_REFUSED'];

interface Outgoing {
  id: string;
  box: Uint8Array;
  promise: Promise<{ seq: number; ts: number }>;
  resolve: (stamp: { seq: number; ts: number }) => void;
  reject: (problem: ApiProblem) => void;
  /** The connection it was last emitted on; a new connection sends it again. */
  sentOn: number;
}

function toBytes(box: unknown): Uint8Array | undefined {
  if (box instanceof ArrayBuffer || Object.prototype.toString.call(box) === '[object ArrayBuffer]') return new Uint8Array(box as ArrayBuffer);
  if (ArrayBuffer.isView(box)) return new Uint8Array(box.buffer, box.byteOffset, box.byteLength);
  return undefined;
}

function problemFor(code: ErrorCode, message = ERROR_MESSAGES[code]): ApiProblem {
  return new ApiProblem(code, HTTP_STATUS[code], message);
}

/**
 * The real-time channel of PROTOCOL.md §5 for one session: socket.io-client on `/chat` with the
 * session's token, reconnecting with backoff (500 ms doubling to 5 s, randomized) and re-sending
 * unacknowledged messages with their ids after each reconnect; the server acknowledges a repeat
 * with its first seq and does not relay it twice.
 *
 * The session ends (state 'ended', no more reconnects, pending sends rejected) on
 * `session:end` (left, replaced, shutdown) or when a (re)connection is refused with
 * TOKEN_INVALID, SESSION_NOT_FOUND, IP_MISMATCH or ORIGIN_REFUSED. RATE_LIMITED and network
 * failures are retried.
 *
 * Provided by the chat page (not root); destroying it closes the socket without leaving, so a
 * reload keeps the session within the server's grace.
 *
 * Security: boxes are opaque ciphertext and the token is a credential: neither is logged.
 */
@Injectable()
export class ChatConnection {
  private readonly createSocket = inject(SOCKET_FACTORY);
  private readonly currentState = signal<ConnectionState>('connecting');
  private readonly currentEndReason = signal<EndReason | undefined>(undefined);
  private readonly presence = new Subject<PresenceEvent>();
  private readonly members = new Subject<MemberEvent>();
  private readonly messages = new Subject<ReceivedMessage>();
  private readonly typists = new Subject<TypingEvent>();
  private readonly outbox = new Map<string, Outgoing>();
  private socket: ChatSocket | undefined;
  /** Counts successful connects; messages sent on an older one are sent again. */
  private connection = 0;
  private retryAttempt = 0;
  private wasOnline = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private leaving = false;

  readonly state: Signal<ConnectionState> = this.currentState.asReadonly();
  readonly endReason: Signal<EndReason | undefined> = this.currentEndReason.asReadonly();
  /** The room and its members, on every (re)connect. */
  readonly presence$: Observable<PresenceEvent> = this.presence.asObservable();
  readonly member$: Observable<MemberEvent> = this.members.asObservable();
  /** Messages from the others, box as bytes. */
  readonly message$: Observable<ReceivedMessage> = this.messages.asObservable();
  readonly typing$: Observable<TypingEvent> = this.typists.asObservable();

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.disconnect();
      for (const subject of [this.presence, this.members, this.messages, this.typists]) subject.complete();
    });
  }

  /** Opens the socket for the session holding `token`. Calling it again starts over. */
  connect(token: string): void {
    this.closeSocket();
    this.currentState.set('connecting');
    this.currentEndReason.set(undefined);
    this.leaving = false;
    this.wasOnline = false;
    this.retryAttempt = 0;
    const socket = this.createSocket(CHAT_NAMESPACE, {
      path: SOCKET_PATH,
      auth: { token },
      autoConnect: false,
      forceNew: true,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnection: true,
      reconnectionDelay: RECONNECT_DELAY_MS,
      reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
      randomizationFactor: RECONNECT_RANDOMIZATION,
    });
    this.socket = socket;
    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason) => this.onDisconnect(socket, reason));
    socket.on('connect_error', (error) => this.onConnectError(socket, error));
    socket.on(ServerEvent.Presence, (payload) => {
      if (isObject(payload)) this.presence.next(payload);
    });
    socket.on(ServerEvent.Member, (payload) => {
      if (isObject(payload)) this.members.next(payload);
    });
    socket.on(ServerEvent.Message, (payload) => this.onMessage(payload));
    socket.on(ServerEvent.Typing, (payload) => {
      if (isObject(payload) && typeof payload.name === 'string' && typeof payload.active === 'boolean') {
        this.typists.next({ name: payload.name, active: payload.active });
      }
    });
    socket.on(ServerEvent.SessionEnd, (payload) => {
      const reason = isObject(payload) ? payload.reason : undefined;
      this.end(reason === 'left' || reason === 'replaced' || reason === 'shutdown' ? reason : 'SESSION_NOT_FOUND');
    });
    socket.connect();
  }

  /**
   * Sends a sealed message and resolves with the ack's seq/ts. Unacknowledged messages are
   * re-sent with the same id after a reconnect (the server dedupes them); an ack that times out
   * while connected keeps the message for the next reconnect. Sending an id that is still
   * pending returns the same promise.
   *
   * @throws ApiProblem with the refusal's code (VALIDATION_FAILED, PAYLOAD_TOO_LARGE,
   *   RATE_LIMITED, ...), or with SESSION_NOT_FOUND (or the refusal code) when the session ends
   *   first.
   */
  send(message: { id: string; box: Uint8Array }): Promise<{ seq: number; ts: number }> {
    if (this.currentState() === 'ended') return Promise.reject(this.endedProblem());
    const pending = this.outbox.get(message.id);
    if (pending !== undefined) return pending.promise;
    let resolve!: Outgoing['resolve'];
    let reject!: Outgoing['reject'];
    const promise = new Promise<{ seq: number; ts: number }>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    // A page torn down with messages in flight rejects them; that is no unhandled error.
    promise.catch(() => undefined);
    const outgoing: Outgoing = { id: message.id, box: message.box, promise, resolve, reject, sentOn: 0 };
    this.outbox.set(message.id, outgoing);
    if (this.socket?.connected && this.currentState() === 'online') this.transmit(this.socket, outgoing);
    return promise;
  }

  /** Tells the others whether this member is typing; dropped unless online. */
  typing(active: boolean): void {
    if (this.socket?.connected && this.currentState() === 'online') this.socket.emit(ClientEvent.Typing, { active });
  }

  /** `leave` with ack, then closes; resolves when done, or after {@link LEAVE_TIMEOUT_MS} without an ack. */
  async leave(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined || this.currentState() === 'ended') return;
    this.leaving = true;
    if (socket.connected) {
      try {
        await socket.timeout(LEAVE_TIMEOUT_MS).emitWithAck(ClientEvent.Leave);
      } catch {
        // No ack in time, or the socket closed first: close anyway.
      }
    }
    this.end('left');
  }

  /**
   * Closes the socket without leaving (the page is going away, e.g. a reload): the session
   * stays on the server for its grace. Pending sends reject with 'NETWORK'.
   */
  disconnect(): void {
    this.closeSocket();
    if (this.currentState() !== 'ended') this.currentState.set('ended');
    this.rejectPending(new ApiProblem('NETWORK', 0, 'The connection was closed.'));
  }

  private onConnect(): void {
    const socket = this.socket;
    if (socket === undefined || this.currentState() === 'ended') return;
    this.connection++;
    this.wasOnline = true;
    this.retryAttempt = 0;
    this.currentState.set('online');
    for (const outgoing of this.outbox.values()) {
      if (outgoing.sentOn !== this.connection) this.transmit(socket, outgoing);
    }
  }

  private onDisconnect(socket: ChatSocket, reason: string): void {
    if (socket !== this.socket || this.leaving || this.currentState() === 'ended' || reason === 'io client disconnect') return;
    this.currentState.set('reconnecting');
    // socket.io reconnects by itself unless the server closed the socket: then it is up to us.
    if (!socket.active) this.scheduleReconnect(socket);
  }

  private onConnectError(socket: ChatSocket, error: Error): void {
    if (socket !== this.socket || this.currentState() === 'ended') return;
    const data = (error as { data?: unknown }).data;
    const code = isObject(data) ? data['code'] : undefined;
    if (typeof code === 'string' && TERMINAL_CODES.includes(code)) {
      this.end(code as EndReason);
      return;
    }
    if (this.leaving) return;
    this.currentState.set(this.wasOnline ? 'reconnecting' : 'connecting');
    // A refusal by the server (RATE_LIMITED, say) stops socket.io's own retries.
    if (!socket.active) this.scheduleReconnect(socket);
  }

  private onMessage(payload: unknown): void {
    if (!isObject(payload)) return;
    const { id, from, ts, seq } = payload;
    const box = toBytes(payload['box']);
    if (typeof id !== 'string' || typeof from !== 'string' || typeof ts !== 'number' || typeof seq !== 'number' || box === undefined) return;
    this.messages.next({ id, from, ts, seq, box });
  }

  private transmit(socket: ChatSocket, outgoing: Outgoing): void {
    outgoing.sentOn = this.connection;
    socket
      .timeout(ackTimeoutMs(outgoing.box.byteLength))
      .emitWithAck(ClientEvent.Message, { id: outgoing.id, box: outgoing.box })
      .then(
        (ack: MessageAck) => this.settle(outgoing, ack),
        // Disconnected or timed out: it stays in the outbox and goes again on the next connect.
        () => undefined,
      );
  }

  private settle(outgoing: Outgoing, ack: unknown): void {
    if (this.outbox.get(outgoing.id) !== outgoing) return;
    this.outbox.delete(outgoing.id);
    if (isObject(ack) && ack['ok'] === true && typeof ack['seq'] === 'number' && typeof ack['ts'] === 'number') {
      outgoing.resolve({ seq: ack['seq'], ts: ack['ts'] });
      return;
    }
    const error = isObject(ack) && isObject(ack['error']) ? ack['error'] : {};
    const code = isErrorCode(error['code']) ? error['code'] : 'INTERNAL';
    outgoing.reject(problemFor(code, typeof error['message'] === 'string' ? error['message'] : undefined));
  }

  private scheduleReconnect(socket: ChatSocket): void {
    if (this.retryTimer !== undefined) return;
    const base = Math.min(RECONNECT_DELAY_MS * 2 ** this.retryAttempt, RECONNECT_DELAY_MAX_MS);
    this.retryAttempt++;
    const delay = base * (1 + RECONNECT_RANDOMIZATION * (2 * Math.random() - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (socket === this.socket && this.currentState() !== 'ended') socket.connect();
    }, delay);
  }

  private end(reason: EndReason): void {
    if (this.currentState() === 'ended') return;
    this.currentEndReason.set(reason);
    this.currentState.set('ended');
    this.closeSocket();
    this.rejectPending(this.endedProblem());
  }

  private endedProblem(): ApiProblem {
    const reason = this.currentEndReason();
    if (reason === undefined) return new ApiProblem('NETWORK', 0, 'The connection was closed.');
    return problemFor(isErrorCode(reason) ? reason : 'SESSION_NOT_FOUND');
  }

  private rejectPending(problem: ApiProblem): void {
    const pending = [...this.outbox.values()];
    this.outbox.clear();
    for (const outgoing of pending) outgoing.reject(problem);
  }

  private closeSocket(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return;
    socket.off();
    socket.disconnect();
  }
}
