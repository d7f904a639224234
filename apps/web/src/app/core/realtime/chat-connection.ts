import { DestroyRef, Injectable, inject, signal, type Signal } from '@angular/core';
import {
  CHAT_NAMESPACE,
  ClientEvent,
  isObject,
  ServerEvent,
  SOCKET_PATH,
  type HandshakeAuth,
  type SeqRange,
  type SessionEndReason,
} from '@ciphernest/protocol';
import { ApiProblem, isErrorCode, problemFor } from '../api/api-problem';
import { RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS, RECONNECT_RANDOMIZATION, ReconnectBackoff } from './reconnect-backoff';
import { ServerEventStreams } from './server-event-streams';
import { type ChatSocket, SOCKET_FACTORY } from './socket-factory';
import { type MessageStamp, UnackedMessages } from './unacked-messages';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'ended';

/** Why a session ended: the server's `session:end` reason, or the code it refused a (re)connection with. */
export type EndReason = SessionEndReason | 'TOKEN_INVALID' | 'SESSION_NOT_FOUND' | 'IP_MISMATCH' | 'ORIGIN_REFUSED';

/**
 * Where a (re)connection resumes (docs/protocol.md §5.1): the highest seq the session has seen,
 * read at every handshake; undefined to ask for no replay.
 */
export type ResumePoint = () => number | undefined;

/** How long leave() waits for the server's ack before closing anyway. */
export const LEAVE_TIMEOUT_MS = 2_000;

const TERMINAL_CODES: readonly string[] = ['TOKEN_INVALID', 'SESSION_NOT_FOUND', 'IP_MISMATCH', 'ORIGIN_REFUSED'];

/** The refusal code a handshake's `connect_error` carries, if the server sent one. */
function refusalCode(error: Error): unknown {
  const data = (error as { data?: unknown }).data;
  return isObject(data) ? data['code'] : undefined;
}

function sessionEndReason(payload: unknown): EndReason {
  const reason = isObject(payload) ? payload['reason'] : undefined;
  return reason === 'left' || reason === 'replaced' || reason === 'shutdown' ? reason : 'SESSION_NOT_FOUND';
}

const closedProblem = () => new ApiProblem('NETWORK', 0, 'The connection was closed.');

/**
 * The real-time channel of docs/protocol.md §5 for one session: socket.io-client on `/chat` with the
 * session's token, reconnecting with backoff (500 ms doubling to 5 s, randomized; see
 * ReconnectBackoff for the reconnects socket.io leaves to us), the room's events as typed
 * streams (ServerEventStreams), and unacknowledged messages sent again with their ids on each
 * new connection (UnackedMessages). Every handshake carries `resume` as the caller's
 * {@link ResumePoint} says at that moment (docs/protocol.md §5.1), so a reconnect gets what was
 * relayed while the socket was down.
 *
 * The session ends (state 'ended', no more reconnects, pending sends rejected) on
 * `session:end` (left, replaced, shutdown) or when a (re)connection is refused with
 * TOKEN_INVALID, SESSION_NOT_FOUND, IP_MISMATCH or ORIGIN_REFUSED. RATE_LIMITED and network
 * failures are retried.
 *
 * Provided per open chat (ActiveChat's injector, not root), so it outlives the chat page while
 * the session lives; destroying it closes the socket without leaving, so a reload keeps the
 * session within the server's grace.
 *
 * Security: boxes are opaque ciphertext and the token is a credential: neither is logged.
 */
@Injectable()
export class ChatConnection {
  private readonly createSocket = inject(SOCKET_FACTORY);
  private readonly currentState = signal<ConnectionState>('connecting');
  private readonly currentEndReason = signal<EndReason | undefined>(undefined);
  private readonly events = new ServerEventStreams();
  private readonly unacked = new UnackedMessages();
  private readonly backoff = new ReconnectBackoff();
  private socket: ChatSocket | undefined;
  private wasOnline = false;
  private leaving = false;

  readonly state: Signal<ConnectionState> = this.currentState.asReadonly();
  readonly endReason: Signal<EndReason | undefined> = this.currentEndReason.asReadonly();
  readonly presence$ = this.events.presence$;
  readonly member$ = this.events.member$;
  readonly message$ = this.events.message$;
  readonly typing$ = this.events.typing$;
  readonly received$ = this.events.received$;
  readonly missed$ = this.events.missed$;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.disconnect();
      this.events.complete();
    });
  }

  /**
   * Opens the socket for the session holding `token`, resuming each handshake from `resume()`
   * (left out of the handshake while it answers undefined). Calling it again starts over.
   */
  connect(token: string, resume: ResumePoint = () => undefined): void {
    this.closeSocket();
    this.currentState.set('connecting');
    this.currentEndReason.set(undefined);
    this.leaving = false;
    this.wasOnline = false;
    this.backoff.reset();
    const socket = this.createSocket(CHAT_NAMESPACE, {
      path: SOCKET_PATH,
      // A function, so that every reconnect reads the resume point afresh.
      auth: (answer: (auth: HandshakeAuth) => void) => {
        const from = resume();
        answer(from === undefined ? { token } : { token, resume: from });
      },
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
    socket.on('connect', () => this.goOnline());
    socket.on('disconnect', (reason) => this.awaitReconnect(socket, reason));
    socket.on('connect_error', (error) => this.endOrRetry(socket, error));
    socket.on(ServerEvent.SessionEnd, (payload) => this.end(sessionEndReason(payload)));
    this.events.listenTo(socket);
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
  send(message: { id: string; box: Uint8Array }): Promise<MessageStamp> {
    if (this.currentState() === 'ended') return Promise.reject(this.endedProblem());
    return this.unacked.send(message, this.onlineSocket());
  }

  /** Tells the others whether this member is typing; dropped unless online. */
  typing(active: boolean): void {
    this.onlineSocket()?.emit(ClientEvent.Typing, { active });
  }

  /**
   * Tells the others how far this member has received (docs/protocol.md §5.2), with the `missed`
   * span it was told about; dropped unless online. True when it went out.
   */
  receipt(seq: number, missed?: SeqRange): boolean {
    const socket = this.onlineSocket();
    if (socket === undefined) return false;
    socket.emit(ClientEvent.Received, missed === undefined ? { seq } : { seq, missed });
    return true;
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
    this.unacked.rejectAll(closedProblem());
  }

  private onlineSocket(): ChatSocket | undefined {
    return this.socket?.connected && this.currentState() === 'online' ? this.socket : undefined;
  }

  private goOnline(): void {
    const socket = this.socket;
    if (socket === undefined || this.currentState() === 'ended') return;
    this.wasOnline = true;
    this.backoff.reset();
    this.currentState.set('online');
    this.unacked.resendOn(socket);
  }

  private awaitReconnect(socket: ChatSocket, reason: string): void {
    if (socket !== this.socket || this.leaving || this.currentState() === 'ended' || reason === 'io client disconnect') return;
    this.currentState.set('reconnecting');
    // socket.io reconnects by itself unless the server closed the socket: then it is up to us.
    if (!socket.active) this.scheduleReconnect(socket);
  }

  private endOrRetry(socket: ChatSocket, error: Error): void {
    if (socket !== this.socket || this.currentState() === 'ended') return;
    const code = refusalCode(error);
    if (typeof code === 'string' && TERMINAL_CODES.includes(code)) {
      this.end(code as EndReason);
      return;
    }
    if (this.leaving) return;
    this.currentState.set(this.wasOnline ? 'reconnecting' : 'connecting');
    // A refusal by the server (RATE_LIMITED, say) stops socket.io's own retries.
    if (!socket.active) this.scheduleReconnect(socket);
  }

  private scheduleReconnect(socket: ChatSocket): void {
    this.backoff.schedule(() => {
      if (socket === this.socket && this.currentState() !== 'ended') socket.connect();
    });
  }

  private end(reason: EndReason): void {
    if (this.currentState() === 'ended') return;
    this.currentEndReason.set(reason);
    this.currentState.set('ended');
    this.closeSocket();
    this.unacked.rejectAll(this.endedProblem());
  }

  private endedProblem(): ApiProblem {
    const reason = this.currentEndReason();
    if (reason === undefined) return closedProblem();
    return problemFor(isErrorCode(reason) ? reason : 'SESSION_NOT_FOUND');
  }

  private closeSocket(): void {
    this.backoff.cancel();
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return;
    socket.off();
    socket.disconnect();
  }
}
