import WebSocket from 'ws';

// Engine.IO 4 and Socket.IO 5 spoken by hand over `ws`, so a test can send what no well-behaved
// client would: malformed packets, hostile auth objects, bogus attachment counts, wrong namespaces.

/** One frame the server sent, in arrival order. */
export interface Frame {
  binary: boolean;
  text: string;
  bytes: Buffer;
  at: number;
}

/** How an attempt to open a WebSocket ended. */
export type OpenOutcome =
  | { kind: 'open'; socket: RawSocket }
  | { kind: 'refused'; status: number; body: string }
  | { kind: 'failed'; error: Error };

export interface RawSocketOptions {
  /** The loopback address to connect from. */
  from?: string;
  /** Query string after `?`; Engine.IO 4 over WebSocket by default. */
  query?: string;
  headers?: Record<string, string>;
  /** Answer the server's pings (Engine.IO `2` with `3`); true by default. */
  answerPings?: boolean;
}

/** A Socket.IO packet as decoded from one text frame (after the Engine.IO `4`). */
export interface SioPacket {
  type: number;
  nsp: string;
  attachments?: number;
  id?: number;
  data?: unknown;
}

/** Decodes `4<type>[<attachments>-][<nsp>,][<id>]<json>`; undefined when the frame is not a Socket.IO packet. */
export function decodeSio(text: string): SioPacket | undefined {
  if (!text.startsWith('4')) return undefined;
  let i = 1;
  const type = Number(text.charAt(i));
  if (!Number.isInteger(type)) return undefined;
  i += 1;
  const packet: SioPacket = { type, nsp: '/' };
  if (type === 5 || type === 6) {
    const dash = text.indexOf('-', i);
    packet.attachments = Number(text.slice(i, dash));
    i = dash + 1;
  }
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i);
    const end = comma === -1 ? text.length : comma;
    packet.nsp = text.slice(i, end);
    i = end + 1;
  }
  const digits = /^\d+/.exec(text.slice(i));
  if (digits) {
    packet.id = Number(digits[0]);
    i += digits[0].length;
  }
  if (i < text.length) packet.data = JSON.parse(text.slice(i));
  return packet;
}

/** The text frame of a Socket.IO packet for namespace `nsp` (Engine.IO message `4` included). */
export function encodeSio(type: number, nsp: string, data?: unknown, id?: number, attachments?: number): string {
  const parts = ['4', String(type)];
  if (attachments !== undefined) parts.push(`${attachments}-`);
  if (nsp !== '/') parts.push(`${nsp},`);
  if (id !== undefined) parts.push(String(id));
  if (data !== undefined) parts.push(JSON.stringify(data));
  return parts.join('');
}

const openSockets = new Set<RawSocket>();

/** A WebSocket speaking Engine.IO by hand, recording every frame from the moment it opens. */
export class RawSocket {
  readonly frames: Frame[] = [];
  /** The Engine.IO handshake (`0{...}`), once received. */
  handshake: { sid: string; pingInterval: number; pingTimeout: number; maxPayload: number } | undefined;
  answerPings: boolean;
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  private closeInfo: { code: number; reason: string; at: number } | undefined;
  private listeners = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    options: RawSocketOptions,
  ) {
    this.answerPings = options.answerPings ?? true;
    this.closed = new Promise((resolveClosed) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8'), at: Date.now() };
        openSockets.delete(this);
        this.notify();
        resolveClosed(this.closeInfo);
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const text = isBinary ? '' : bytes.toString('utf8');
      this.frames.push({ binary: isBinary, text, bytes, at: Date.now() });
      if (!isBinary && text.startsWith('0{')) this.handshake = JSON.parse(text.slice(1));
      if (!isBinary && text === '2' && this.answerPings) this.send('3');
      this.notify();
    });
    openSockets.add(this);
  }

  /** Opens a WebSocket to `/socket.io/` and resolves once the Engine.IO handshake arrived, or how it failed. */
  static attempt(baseUrl: string, options: RawSocketOptions = {}, path = '/socket.io/'): Promise<OpenOutcome> {
    const url = `${baseUrl.replace(/^http/, 'ws')}${path}?${options.query ?? 'EIO=4&transport=websocket'}`;
    return new Promise((resolveOutcome) => {
      const ws = new WebSocket(url, { localAddress: options.from, headers: options.headers, handshakeTimeout: 5_000 });
      let settled = false;
      const settle = (outcome: OpenOutcome): void => {
        if (settled) return;
        settled = true;
        resolveOutcome(outcome);
      };
      ws.on('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => settle({ kind: 'refused', status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => settle({ kind: 'failed', error }));
      });
      ws.on('error', (error) => settle({ kind: 'failed', error }));
      ws.on('open', () => {
        const socket = new RawSocket(ws, options);
        settle({ kind: 'open', socket });
      });
    });
  }

  /** Opens a WebSocket and waits for the Engine.IO handshake; throws if it is refused. */
  static async open(baseUrl: string, options: RawSocketOptions = {}): Promise<RawSocket> {
    const outcome = await RawSocket.attempt(baseUrl, options);
    if (outcome.kind === 'refused') throw new Error(`WebSocket refused: ${outcome.status} ${outcome.body}`);
    if (outcome.kind === 'failed') throw outcome.error;
    await outcome.socket.nextFrame((frame) => frame.text.startsWith('0{'), 5_000);
    return outcome.socket;
  }

  get isClosed(): boolean {
    return this.closeInfo !== undefined;
  }

  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  sendBinary(bytes: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, { binary: true });
  }

  /** The first frame (received or to come) from index `from` on that matches; rejects after `timeoutMs` or on close. */
  nextFrame(predicate: (frame: Frame) => boolean, timeoutMs = 3_000, from = 0): Promise<Frame> {
    return new Promise((resolveFrame, rejectFrame) => {
      const check = (): boolean => {
        const found = this.frames.slice(from).find(predicate);
        if (found) {
          finish();
          resolveFrame(found);
          return true;
        }
        if (this.closeInfo) {
          finish();
          rejectFrame(new Error(`closed (${this.closeInfo.code}) before the awaited frame; saw ${this.describe()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        rejectFrame(new Error(`no matching frame within ${timeoutMs} ms; saw ${this.describe()}`));
      }, timeoutMs);
      const listener = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      check();
    });
  }

  /** The next Socket.IO packet of `nsp` matching, from frame index `from` on. */
  async nextPacket(predicate: (packet: SioPacket) => boolean, timeoutMs = 3_000, from = 0): Promise<SioPacket> {
    const frame = await this.nextFrame((candidate) => {
      const packet = candidate.binary ? undefined : safeDecode(candidate.text);
      return packet !== undefined && predicate(packet);
    }, timeoutMs, from);
    return decodeSio(frame.text)!;
  }

  /**
   * Sends a Socket.IO CONNECT to `nsp` with `auth` and resolves with the CONNECT (`ok`) or
   * CONNECT_ERROR answer for that namespace.
   */
  async connectNamespace(nsp: string, auth?: unknown, timeoutMs = 3_000): Promise<{ ok: true; sid: string } | { ok: false; data: any }> {
    const from = this.frames.length;
    this.send(encodeSio(0, nsp, auth));
    const answer = await this.nextPacket((packet) => packet.nsp === nsp && (packet.type === 0 || packet.type === 4), timeoutMs, from);
    return answer.type === 0 ? { ok: true, sid: (answer.data as { sid: string }).sid } : { ok: false, data: answer.data };
  }

  /** Resolves with the arguments of the server's ack for ack id `id` (from frame index `from` on). */
  async ackFor(id: number, nsp = '/chat', timeoutMs = 3_000, from = 0): Promise<unknown[]> {
    const ack = await this.nextPacket((packet) => packet.type === 3 && packet.nsp === nsp && packet.id === id, timeoutMs, from);
    return ack.data as unknown[];
  }

  /** Waits until the server closes the connection; rejects if it stays open past `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<{ code: number; reason: string; at: number }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, rejectLate) => {
      timer = setTimeout(() => rejectLate(new Error(`still open after ${timeoutMs} ms; saw ${this.describe()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.terminate();
    openSockets.delete(this);
  }

  describe(): string {
    return this.frames
      .slice(-12)
      .map((frame) => (frame.binary ? `<binary ${frame.bytes.length}>` : frame.text.slice(0, 160)))
      .join(' | ');
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function safeDecode(text: string): SioPacket | undefined {
  try {
    return decodeSio(text);
  } catch {
    return undefined;
  }
}

/** Terminates every raw socket still open (afterEach). */
export function closeAllRawSockets(): void {
  for (const socket of openSockets) socket.close();
  openSockets.clear();
}
