import type { BrowserContext, Page } from 'playwright-core';

export interface RecordedFrame {
  /** Its place among everything the recorder saw, frames and requests alike. */
  at: number;
  /** Which WebSocket carried it: 1 for the first the recorder saw, and so on. */
  socket: number;
  direction: 'sent' | 'received';
  url: string;
  binary: boolean;
  bytes: Buffer;
}

export interface RecordedRequest {
  /** Its place among everything the recorder saw, frames and requests alike. */
  at: number;
  method: string;
  url: string;
  body: Buffer | null;
}

/** Every WebSocket frame and every HTTP request (with its body) of the contexts it watches. */
export class TrafficRecorder {
  readonly frames: RecordedFrame[] = [];
  readonly requests: RecordedRequest[] = [];
  private sockets = 0;
  private seen = 0;

  /** Watches every tab the context has and will open. */
  watchContext(context: BrowserContext): void {
    context.pages().forEach((page) => this.watchPage(page));
    context.on('page', (page) => this.watchPage(page));
  }

  private watchPage(page: Page): void {
    page.on('request', (request) =>
      this.requests.push({ at: ++this.seen, method: request.method(), url: request.url(), body: request.postDataBuffer() }),
    );
    page.on('websocket', (socket) => {
      const number = ++this.sockets;
      const record = (direction: RecordedFrame['direction']) => (frame: { payload: string | Buffer }) =>
        this.frames.push({
          at: ++this.seen,
          socket: number,
          direction,
          url: socket.url(),
          binary: typeof frame.payload !== 'string',
          bytes: typeof frame.payload === 'string' ? Buffer.from(frame.payload, 'utf8') : frame.payload,
        });
      socket.on('framesent', record('sent'));
      socket.on('framereceived', record('received'));
    });
  }
}

/**
 * The ways a secret could show up in a frame or body: its UTF-8 bytes, hex, and base64 and
 * base64url at each of the three byte alignments (the chunks that mix in neighbouring bytes at
 * either end are left out).
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret.normalize('NFC'), 'utf8');
  const forms = new Set<string>([secret, bytes.toString('hex'), bytes.toString('hex').toUpperCase()]);
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = shifted.toString(encoding).replace(/=+$/, '');
      const core = text.slice(shift === 0 ? 0 : 4, text.length - 4);
      if (core.length >= 8) forms.add(core);
    }
  }
  return [...forms];
}

/** Where any form of any secret appears in `data` (empty when it appears nowhere). */
export function findSecrets(data: Buffer, secrets: string[]): string[] {
  const asText = data.toString('utf8');
  const asLatin1 = data.toString('latin1');
  const found: string[] = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      if (asText.includes(form) || asLatin1.includes(form) || data.includes(Buffer.from(form, 'utf8'))) {
        found.push(`${JSON.stringify(secret)} as ${JSON.stringify(form)}`);
      }
    }
  }
  return found;
}
