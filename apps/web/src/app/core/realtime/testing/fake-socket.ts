// A socket.io-client Socket as the realtime specs need it: the test plays the server and the
// network through its methods below "what the server and the network do".

type Handler = (...args: unknown[]) => void;

export interface PendingAck {
  event: string;
  args: unknown[];
  timeout: number;
  resolve: (answer: unknown) => void;
  reject: (error: Error) => void;
}

/** The part of a socket.io-client Socket that the realtime classes use, driven by the test as "the server". */
export class FakeSocket {
  connected = false;
  active = false;
  connectCalls = 0;
  readonly emitted: { event: string; args: unknown[] }[] = [];
  readonly acks: PendingAck[] = [];
  private handlers = new Map<string, Handler[]>();

  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  off() {
    this.handlers.clear();
    return this;
  }
  connect() {
    this.connectCalls++;
    this.active = true;
    return this;
  }
  disconnect() {
    const wasConnected = this.connected;
    this.connected = false;
    this.active = false;
    if (wasConnected) this.fire('disconnect', 'io client disconnect');
    this.clearAcks();
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    this.emitted.push({ event, args });
    return this;
  }
  timeout(timeout: number) {
    return {
      emitWithAck: (event: string, ...args: unknown[]) =>
        new Promise((resolve, reject) => {
          this.emitted.push({ event, args });
          this.acks.push({ event, args, timeout, resolve, reject });
        }),
    };
  }

  // ---- what the server and the network do ----
  accept() {
    this.connected = true;
    this.active = true;
    this.fire('connect');
  }
  send(event: string, payload: unknown) {
    this.fire(event, payload);
  }
  /** A lost connection: socket.io reconnects by itself (active stays true). */
  drop() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
    this.clearAcks();
  }
  /** The server closed the socket: socket.io does not reconnect by itself. */
  kick() {
    this.connected = false;
    this.active = false;
    this.fire('disconnect', 'io server disconnect');
    this.clearAcks();
  }
  /** A handshake refused by the server's middleware: socket.io stops retrying. */
  refuse(code: string) {
    this.active = false;
    this.fire('connect_error', Object.assign(new Error('refused'), { data: { code } }));
  }
  /** A transport failure (server unreachable): socket.io keeps retrying. */
  unreachable() {
    this.fire('connect_error', new Error('websocket error'));
  }
  ackOf(event: string, index = 0): PendingAck {
    const ack = this.acks.filter((pending) => pending.event === event)[index];
    if (ack === undefined) throw new Error(`no ${event} awaiting an ack`);
    return ack;
  }
  sent(event: string) {
    return this.emitted.filter((emission) => emission.event === event).map((emission) => emission.args[0]);
  }

  private clearAcks() {
    const pending = this.acks.splice(0);
    for (const ack of pending) ack.reject(new Error('socket has been disconnected'));
  }
  private fire(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
}

/** A box of `bytes`, or of 40 bytes when none are given. */
export function box(...bytes: number[]): Uint8Array {
  return new Uint8Array(bytes.length > 0 ? bytes : Array.from({ length: 40 }, (_, i) => i));
}

export async function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
