import WebSocket from 'ws';
import { ServerEvent } from '@ciphernest/protocol';
import type { Session } from '../../support/builders';
import { delay } from '../../support/chat-client';
import { sendRequest, type HttpResponse } from '../../support/http-client';
import type { ServerProcess } from '../../support/server-process';
import { RawSocket } from './raw-socket';
import { rssBytes } from './server-health';

// Issue 11, finding 1: a Socket.IO packet announcing many binary attachments, sent by hand, and
// what the server's memory does meanwhile.

/** Writes one frame and resolves once `ws` handed it to the operating system: false if the socket closed first. */
export function writeFrame(raw: RawSocket, data: string | Buffer): Promise<boolean> {
  if (raw.ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
  return new Promise((resolveWrite) => raw.ws.send(data, { binary: typeof data !== 'string' }, (error) => resolveWrite(!error)));
}

/**
 * Sends a `message` whose packet announces `announced` attachments, then `sent` binary frames of
 * `attachment`, each written before the next (TCP flow control: once the last is written, the
 * server has read nearly all of them). Resolves with how many frames were written before the
 * socket closed.
 */
export async function announceAttachments(raw: RawSocket, announced: number, sent: number, attachment: Buffer): Promise<number> {
  const header = `45${announced}-/chat,1${JSON.stringify(['message', { id: 'pinning_0123456789abcdef', box: { _placeholder: true, num: 0 } }])}`;
  if (!(await writeFrame(raw, header))) return 0;
  let written = 0;
  for (let index = 0; index < sent; index += 1) {
    if (!(await writeFrame(raw, attachment))) break;
    written += 1;
  }
  return written;
}

/** A raw socket connected to /chat as `session`, past its `presence`. */
export async function rawMember(server: ServerProcess, session: Session): Promise<RawSocket> {
  const raw = await RawSocket.open(server.url, { from: session.from });
  const answer = await raw.connectNamespace('/chat', { token: session.token });
  if (!answer.ok) throw new Error(`CONNECT refused: ${JSON.stringify(answer.data)}`);
  await raw.nextPacket((packet) => packet.type === 2 && Array.isArray(packet.data) && packet.data[0] === ServerEvent.Presence);
  return raw;
}

/** The largest growth of the server's RSS over `baseline` seen in `ms`, sampled every 100 ms. */
export async function peakRssGrowth(server: ServerProcess, baseline: number, ms: number): Promise<number> {
  let peak = rssBytes(server) - baseline;
  for (let waited = 0; waited < ms; waited += 100) {
    await delay(100);
    peak = Math.max(peak, rssBytes(server) - baseline);
  }
  return peak;
}

/** One Engine.IO long-polling request: a handshake (no `sid`), a poll, or a POST of `body`. */
export function polling(server: ServerProcess, from: string, options: { sid?: string; body?: string; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
  const query = `EIO=4&transport=polling${options.sid ? `&sid=${options.sid}` : ''}`;
  const headers = { 'Content-Type': 'text/plain;charset=UTF-8', ...options.headers };
  return sendRequest(server.url, { method: options.body === undefined ? 'GET' : 'POST', path: `/socket.io/?${query}`, rawBody: options.body, headers, from });
}

/** The `sid` of a long-polling handshake's answer (`0{"sid":...}`). */
export function handshakeSid(res: HttpResponse): string {
  if (res.status !== 200 || !res.text.startsWith('0{')) throw new Error(`no Engine.IO handshake: ${res.status} ${res.text.slice(0, 200)}`);
  return (JSON.parse(res.text.slice(1)) as { sid: string }).sid;
}
