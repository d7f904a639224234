import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH' | 'HEAD';
  /** Resolved against the base URL; an absolute URL replaces it. */
  path: string;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is (for oversized or malformed bodies); `Content-Type: application/json` unless a header says otherwise. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** The loopback address the request comes from (`localAddress`). */
  from?: string;
  /** Sets `Authorization: Bearer <token>`. */
  token?: string;
  /** CA certificate(s) to trust for https URLs (the tests' generated local CA). */
  ca?: Buffer;
  timeoutMs?: number;
}

export interface HttpResponse<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: T;
  text: string;
}

function parseJson(text: string): any {
  try {
    return text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** One HTTP or HTTPS request over its own connection (no keep-alive, so nothing outlives the test). */
export function sendRequest<T = any>(baseUrl: string, options: HttpRequest): Promise<HttpResponse<T>> {
  const url = new URL(options.path, baseUrl);
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let payload: Buffer | undefined;
  if (options.json !== undefined) payload = Buffer.from(JSON.stringify(options.json), 'utf8');
  if (options.rawBody !== undefined) payload = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(options.rawBody, 'utf8');
  if (payload) {
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
  const secure = url.protocol === 'https:';
  const method = options.method ?? (payload ? 'POST' : 'GET');
  const requestOptions: RequestOptions & { ca?: Buffer } = {
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    method,
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
        resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body: parseJson(text), text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.href} timed out`)));
    req.on('error', rejectResponse);
    req.end(payload);
  });
}

/** A client bound to one server and, optionally, one source address and extra headers. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaults: { from?: string; headers?: Record<string, string> } = {},
  ) {}

  request<T = any>(options: HttpRequest): Promise<HttpResponse<T>> {
    return sendRequest<T>(this.baseUrl, {
      ...options,
      from: options.from ?? this.defaults.from,
      headers: { ...this.defaults.headers, ...options.headers },
    });
  }

  get<T = any>(path: string, options: Omit<HttpRequest, 'path' | 'method'> = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, path, method: 'GET' });
  }

  post<T = any>(path: string, json: unknown, options: Omit<HttpRequest, 'path' | 'method' | 'json'> = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, path, method: 'POST', json });
  }

  delete<T = any>(path: string, options: Omit<HttpRequest, 'path' | 'method'> = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, path, method: 'DELETE' });
  }
}
