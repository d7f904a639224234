import { CHAT_NAMESPACE, ClientEvent, ServerEvent, SOCKET_PATH, type Member, type MemberEvent, type MessageAck, type PresenceEvent } from '@ciphernest/protocol';
import { io, type Socket } from 'socket.io-client';

export interface SecureMemberOptions {
  /** The public https origin: where the client connects, and (by default) its Origin header. */
  url: string;
  /** The local CA to trust (the connection is verified, hostname included). */
  ca: Buffer;
  token: string;
  /** This member's username, as the server reports it. */
  name: string;
  /** The loopback address the connection comes from. */
  from: string;
  /** The Origin header; the public origin unless given (null: none, as a non-browser client). */
  origin?: string | null;
  headers?: Record<string, string>;
  /** Socket.IO's own reconnection (on by default, quick and steady: 100 ms, at most 500 ms). */
  reconnection?: boolean;
  /**
   * WebSocket only by default. Long-polling requests in Node come from 127.0.0.1 whatever `from`
   * says, so a polling member's session must be issued to 127.0.0.1.
   */
  transports?: ('websocket' | 'polling')[];
}

export interface Recorded {
  event: string;
  args: unknown[];
  at: number;
}

export interface Delivered {
  id: string;
  from: string;
  seq: number;
  ts: number;
  bytes: number;
}

const members = new Set<SecureMember>();

/**
 * A chat member as a browser tab is: Socket.IO over wss:// through the proxy, reconnecting on
 * its own, and re-sending every message not yet acknowledged with the same id once it is back
 * (the server dedupes by id). Records everything from its creation so no event is missed.
 */
export class SecureMember {
  readonly socket: Socket;
  readonly name: string;
  private readonly entries: Recorded[] = [];
  private readonly listeners = new Set<() => void>();
  /** Who else is online, as presence and member events tell it. */
  readonly peersOnline = new Set<string>();
  /** Messages relayed to this member, in arrival order. */
  readonly delivered: Delivered[] = [];
  /** Acknowledgements this member got, by message id. */
  readonly acks = new Map<string, { seq: number; ts: number }>();
  /** How many times a message had to be sent again. */
  resends = 0;
  private present = false;

  constructor(readonly options: SecureMemberOptions) {
    this.name = options.name;
    const origin = options.origin === undefined ? options.url : options.origin;
    const reconnection = options.reconnection ?? true;
    this.socket = io(`${options.url}${CHAT_NAMESPACE}`, {
      path: SOCKET_PATH,
      transports: options.transports ?? ['websocket'],
      auth: { token: options.token },
      extraHeaders: { ...(origin === null ? {} : { Origin: origin }), ...options.headers },
      forceNew: true,
      autoConnect: false,
      reconnection,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      randomizationFactor: 0,
      timeout: 5_000,
      // engine.io-client hands these to `ws`, which hands them to tls.connect.
      ...({ ca: options.ca, rejectUnauthorized: true, localAddress: options.from } as object),
    });
    this.socket.onAny((event: string, ...args: unknown[]) => this.record(event, args));
    this.socket.on('connect', () => this.record('connect', []));
    this.socket.on('disconnect', (reason: string) => {
      this.present = false;
      this.peersOnline.clear();
      this.record('disconnect', [reason]);
    });
    this.socket.on('connect_error', (error: Error & { data?: unknown }) => this.record('connect_error', [error]));
    members.add(this);
  }

  /** Connected, and the `presence` of this connection has arrived. */
  get ready(): boolean {
    return this.present && this.socket.connected;
  }

  /** Connects and resolves with the `presence` that follows. */
  async connect(timeoutMs = 5_000): Promise<PresenceEvent> {
    const seen = this.count(ServerEvent.Presence);
    this.socket.connect();
    await this.until(() => this.count(ServerEvent.Presence) > seen || this.count('connect_error') > 0, timeoutMs, 'presence');
    const refused = this.last('connect_error');
    if (refused && !this.ready) throw new Error(`connection refused: ${JSON.stringify((refused.args[0] as { data?: unknown }).data)}`);
    return this.last(ServerEvent.Presence)?.args[0] as PresenceEvent;
  }

  /** Expects the handshake to be refused; resolves with `connect_error.data.code`. */
  async refusal(timeoutMs = 5_000): Promise<string | undefined> {
    this.socket.connect();
    await this.until(() => this.count('connect_error') > 0 || this.count(ServerEvent.Presence) > 0, timeoutMs, 'connect_error');
    if (this.count(ServerEvent.Presence) > 0) throw new Error('the connection was accepted; a refusal was expected');
    return ((this.last('connect_error')?.args[0] as { data?: { code?: string } }).data ?? {}).code;
  }

  /**
   * Sends a message and resolves with its ack, whatever happens to the connection meanwhile: the
   * message goes out only while this member is connected and every one of `peers` is online
   * (a message relayed while a member is away never reaches that member: docs/protocol.md keeps no
   * history), and is sent again, with the same id, until an ack arrives.
   */
  async send(id: string, box: Buffer, peers: string[] = [], timeoutMs = 20_000): Promise<MessageAck> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no ack for ${id} within ${timeoutMs} ms`);
      await this.until(() => this.ready && peers.every((peer) => this.peersOnline.has(peer)), left, `${this.name} ready with ${peers.join(', ')} online`);
      if (attempt > 0) this.resends += 1;
      const ack = await new Promise<MessageAck | undefined>((resolveAck) => {
        this.socket.timeout(2_000).emit(ClientEvent.Message, { id, box }, (error: Error | null, answer: MessageAck) => resolveAck(error ? undefined : answer));
      });
      if (ack) {
        if (ack.ok) this.acks.set(id, { seq: ack.seq, ts: ack.ts });
        return ack;
      }
    }
  }

  /** Emits `message` once, with an ack (no retry). */
  emitOnce(id: string, box: Buffer): Promise<MessageAck> {
    return this.socket.timeout(3_000).emitWithAck(ClientEvent.Message, { id, box }) as Promise<MessageAck>;
  }

  /** Resolves once `condition` holds (checked at every event this member records). */
  until(condition: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolveUntil, rejectUntil) => {
      const listener = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolveUntil();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        rejectUntil(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; saw:\n  ${this.describe().join('\n  ')}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  /** How many times `event` was recorded. */
  count(event: string, predicate: (payload: any) => boolean = () => true): number {
    return this.entries.filter((entry) => entry.event === event && predicate(entry.args[0])).length;
  }

  events(event: string): unknown[] {
    return this.entries.filter((entry) => entry.event === event).map((entry) => entry.args[0]);
  }

  last(event: string): Recorded | undefined {
    return [...this.entries].reverse().find((entry) => entry.event === event);
  }

  timeline(): Recorded[] {
    return [...this.entries];
  }

  close(): void {
    this.socket.disconnect();
    members.delete(this);
  }

  private record(event: string, args: unknown[]): void {
    const payload = args[0];
    if (event === ServerEvent.Presence) {
      this.present = true;
      this.peersOnline.clear();
      for (const member of (payload as PresenceEvent).members as Member[]) {
        if (member.name !== this.name && member.status === 'online') this.peersOnline.add(member.name);
      }
    } else if (event === ServerEvent.Member) {
      const change = payload as MemberEvent;
      if (change.type === 'joined' || change.type === 'back') this.peersOnline.add(change.name);
      else this.peersOnline.delete(change.name);
    } else if (event === ServerEvent.Message) {
      const message = payload as { id: string; from: string; seq: number; ts: number; box: Buffer };
      this.delivered.push({ id: message.id, from: message.from, seq: message.seq, ts: message.ts, bytes: message.box.length });
    }
    this.entries.push({ event, args, at: Date.now() });
    for (const listener of [...this.listeners]) listener();
  }

  private describe(): string[] {
    return this.entries.slice(-30).map((entry) => {
      const payload = entry.args[0];
      const text = payload instanceof Error ? `${payload.message} ${JSON.stringify((payload as { data?: unknown }).data)}` : JSON.stringify(payload, (_key, value: unknown) => (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' ? '<binary>' : value));
      return `${entry.event} ${text ?? ''}`;
    });
  }
}

/** Closes every member still open (afterEach / afterAll). */
export function closeAllMembers(): void {
  for (const member of members) member.close();
  members.clear();
}
