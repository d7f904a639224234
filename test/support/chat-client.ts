import type { Socket as NetSocket } from 'node:net';
import { CHAT_NAMESPACE, SOCKET_PATH } from '@ciphernest/protocol';
import { io, type Socket } from 'socket.io-client';

export interface ChatClientOptions {
  /** `auth.token` of the handshake; omitted from `auth` when undefined. */
  token?: string;
  /** The loopback address the connection comes from. */
  from?: string;
  /** Extra handshake headers (Origin, X-Forwarded-For, ...). */
  headers?: Record<string, string>;
  /** Replaces the whole `auth` object (for malformed handshakes). */
  auth?: Record<string, unknown>;
  /**
   * Transports to use; WebSocket only by default. Note: in Node, HTTP long-polling requests
   * ignore `from` and come from 127.0.0.1.
   */
  transports?: ('websocket' | 'polling')[];
}

/** One thing the socket saw, in arrival order. Pseudo-events: `connect`, `connect_error`, `disconnect`, `ack:<event>`. */
export interface Recorded {
  event: string;
  args: unknown[];
  at: number;
}

/** A refused connection: `code` is `connect_error.data.code`. */
export class ConnectRefused extends Error {
  constructor(
    readonly code: string | undefined,
    readonly data: unknown,
    message: string,
  ) {
    super(`connection refused (${code ?? 'no code'}): ${message}`);
  }
}

interface Waiter {
  event: string;
  predicate: (payload: any) => boolean;
  resolve: (payload: any) => void;
}

const openClients = new Set<ChatClient>();

/**
 * A Socket.IO client of the /chat namespace that records every server event from its creation,
 * so nothing that arrives between connecting and awaiting is missed.
 */
export class ChatClient {
  readonly socket: Socket;
  private readonly timelineEntries: Recorded[] = [];
  /** Events not yet taken by next(), by name. */
  private readonly unconsumed = new Map<string, Recorded[]>();
  private waiters: Waiter[] = [];

  constructor(
    readonly baseUrl: string,
    readonly options: ChatClientOptions = {},
  ) {
    const auth = options.auth ?? (options.token === undefined ? {} : { token: options.token });
    this.socket = io(`${baseUrl}${CHAT_NAMESPACE}`, {
      path: SOCKET_PATH,
      transports: options.transports ?? ['websocket'],
      auth,
      extraHeaders: options.headers,
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: 10_000,
      // engine.io-client hands this to `ws` in Node.
      ...({ localAddress: options.from } as object),
    });
    this.socket.onAny((event: string, ...args: unknown[]) => this.record(event, args));
    this.socket.on('connect', () => this.record('connect', []));
    this.socket.on('connect_error', (error: Error & { data?: unknown }) => this.record('connect_error', [error]));
    this.socket.on('disconnect', (reason: string) => this.record('disconnect', [reason]));
    openClients.add(this);
  }

  /** The TCP socket under the WebSocket (engine.io-client over `ws` in Node), while there is one. */
  get tcpSocket(): NetSocket | undefined {
    const transport = this.socket.io.engine?.transport as unknown as { ws?: { _socket?: NetSocket } } | undefined;
    return transport?.ws?._socket;
  }

  /** `tcpSocket`, or a test error when there is none (the client is not connected over WebSocket). */
  requireTcpSocket(): NetSocket {
    const raw = this.tcpSocket;
    if (!raw) throw new Error('cannot reach the TCP socket under this client');
    return raw;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves once connected; rejects with ConnectRefused carrying `connect_error.data.code`. */
  connect(timeoutMs = 5_000): Promise<this> {
    return new Promise((resolveConnect, rejectConnect) => {
      const timer = setTimeout(() => {
        cleanup();
        rejectConnect(new Error(`no connect nor connect_error within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = (): void => {
        cleanup();
        resolveConnect(this);
      };
      const onError = (error: Error & { data?: { code?: string } }): void => {
        cleanup();
        rejectConnect(new ConnectRefused(error.data?.code, error.data, error.message));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
      this.socket.connect();
    });
  }

  /** Expects the connection to be refused and resolves with `connect_error.data.code`. */
  async connectRefusal(timeoutMs = 5_000): Promise<string | undefined> {
    try {
      await this.connect(timeoutMs);
    } catch (error) {
      if (error instanceof ConnectRefused) return error.code;
      throw error;
    }
    throw new Error('the connection was accepted, a refusal was expected');
  }

  /**
   * The first not-yet-taken `event` whose payload matches, already received or to come; it is taken,
   * so successive calls return successive events. Rejects after `timeoutMs`.
   */
  next<T = any>(event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 3_000): Promise<T> {
    const queue = this.unconsumed.get(event) ?? [];
    const index = queue.findIndex((entry) => predicate(entry.args[0] as T));
    if (index >= 0) {
      const [entry] = queue.splice(index, 1);
      return Promise.resolve(entry.args[0] as T);
    }
    return new Promise((resolveNext, rejectNext) => {
      const waiter: Waiter = {
        event,
        predicate,
        resolve: (payload) => {
          clearTimeout(timer);
          resolveNext(payload);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        const seen = this.timeline().map((entry) => `${entry.event} ${safeJson(entry.args[0])}`);
        rejectNext(new Error(`no matching '${event}' within ${timeoutMs} ms; this client saw:\n  ${seen.join('\n  ')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits `ms` and fails if a not-yet-taken matching `event` was received (before or during the wait). */
  async none<T = any>(event: string, ms: number, predicate: (payload: T) => boolean = () => true): Promise<void> {
    await delay(ms);
    const found = (this.unconsumed.get(event) ?? []).filter((entry) => predicate(entry.args[0] as T));
    if (found.length > 0) {
      throw new Error(`unexpected '${event}': ${found.map((entry) => safeJson(entry.args[0])).join(', ')}`);
    }
  }

  /** Emits with an ack callback and resolves with the ack's first argument; rejects after `timeoutMs`. */
  emitWithAck<T = any>(event: string, ...args: unknown[]): Promise<T> {
    return this.emitWithAckWithin<T>(3_000, event, ...args);
  }

  /** emitWithAck with its own timeout. */
  emitWithAckWithin<T = any>(timeoutMs: number, event: string, ...args: unknown[]): Promise<T> {
    return new Promise((resolveAck, rejectAck) => {
      this.socket.timeout(timeoutMs).emit(event, ...args, (error: Error | null, answer: T) => {
        if (error) {
          rejectAck(new Error(`no ack for '${event}' within ${timeoutMs} ms`));
          return;
        }
        // Recorded in the callback, not after the promise settles, so its place in the timeline is exact.
        this.record(`ack:${event}`, [answer]);
        resolveAck(answer);
      });
    });
  }

  emit(event: string, ...args: unknown[]): void {
    this.socket.emit(event, ...args);
  }

  /** Everything recorded so far, in arrival order. */
  timeline(): Recorded[] {
    return [...this.timelineEntries];
  }

  /** The names of everything recorded so far, in arrival order. */
  eventNames(): string[] {
    return this.timelineEntries.map((entry) => entry.event);
  }

  /** Resolves once the socket is disconnected (with the reason Socket.IO gives). */
  disconnected(timeoutMs = 3_000): Promise<string> {
    if (!this.socket.connected && this.eventNames().includes('disconnect')) {
      const last = [...this.timelineEntries].reverse().find((entry) => entry.event === 'disconnect');
      return Promise.resolve(String(last?.args[0]));
    }
    return this.next<string>('disconnect', () => true, timeoutMs);
  }

  /** Closes the connection from the client side (a closed tab). */
  disconnect(): void {
    this.socket.disconnect();
    openClients.delete(this);
  }

  private record(event: string, args: unknown[]): void {
    const entry: Recorded = { event, args, at: Date.now() };
    this.timelineEntries.push(entry);
    const waiter = this.waiters.find((candidate) => candidate.event === event && candidate.predicate(args[0]));
    if (waiter) {
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      waiter.resolve(args[0]);
      return;
    }
    const queue = this.unconsumed.get(event) ?? [];
    queue.push(entry);
    this.unconsumed.set(event, queue);
  }
}

/** Closes every client still open (afterEach). */
export function closeAllClients(): void {
  for (const client of openClients) client.disconnect();
  openClients.clear();
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      inner && typeof inner === 'object' && (inner as { type?: string }).type === 'Buffer' ? '<binary>' : inner,
    );
  } catch {
    return String(value);
  }
}
