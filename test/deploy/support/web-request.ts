import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpResponse } from '../../support/http-client';

export interface WebRequest {
  method?: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, as JSON unless a Content-Type header says otherwise. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** The loopback address the request comes from. */
  from?: string;
  /** Sets `Authorization: Bearer <token>`. */
  token?: string;
  /** CA certificate(s) to trust for https URLs (the generated local CA). */
  ca?: Buffer;
  timeoutMs?: number;
}

/** One HTTP or HTTPS request over its own connection (no keep-alive), with the body parsed as JSON when it is JSON. */
export function fetchVia<T = any>(url: string, options: WebRequest = {}): Promise<HttpResponse<T>> {
  const target = new URL(url);
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let payload: Buffer | undefined;
  if (options.json !== undefined) payload = Buffer.from(JSON.stringify(options.json), 'utf8');
  if (options.rawBody !== undefined) payload = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(options.rawBody, 'utf8');
  if (payload) {
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
  const secure = target.protocol === 'https:';
  const requestOptions: RequestOptions & { ca?: Buffer } = {
    host: target.hostname,
    port: target.port,
    path: `${target.pathname}${target.search}`,
    method: options.method ?? (payload ? 'POST' : 'GET'),
    headers,
    localAddress: options.from,
    agent: false,
    timeout: options.timeoutMs ?? 10_000,
    ...(secure ? { ca: options.ca } : {}),
  };
  return new Promise((resolveResponse, rejectResponse) => {
    const req = (secure ? httpsRequest : httpRequest)(requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', rejectResponse);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any;
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolveResponse({ status: res.statusCode ?? 0, headers: res.headers as IncomingHttpHeaders, body, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${requestOptions.method} ${url} timed out`)));
    req.on('error', rejectResponse);
    req.end(payload);
  });
}
