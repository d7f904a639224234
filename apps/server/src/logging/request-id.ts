import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The header that carries a request's id, from the proxy in and back to the client out. */
export const REQUEST_ID_HEADER = 'X-Request-ID';

/**
 * What an incoming id may look like to be kept: nginx's `$request_id` (32 hex digits), a UUID,
 * or any other short token of these characters. Anything else (too long, spaces, quotes, control
 * characters that could forge a log line) is replaced by a fresh id.
 */
export const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A new random UUID as one flat string. `randomUUID()` builds its text by concatenation, which
 * V8 keeps as a tree of about 15 partial strings until something flattens it; a socket keeps its
 * handshake's id for its whole life, and the tree cost 0.45 KiB of heap per connected member
 * (docs/benchmarks.md). Copying it through a Buffer makes it one sequential string of 36 bytes.
 */
function newRequestId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

/** The request's own id: a valid incoming `X-Request-ID` (one header, not a list), or a new UUID. */
export function requestIdFrom(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && VALID_REQUEST_ID.test(given) ? given : newRequestId();
}

/**
 * The request's id, given once and kept on it (`request.id`, which pino-http logs as `reqId` and
 * `req.id`): asking again, for the same request, gives the same id. Engine.IO's handshake
 * request is the one its socket keeps, so the handshake's log lines share its id.
 */
export function requestIdOf(request: IncomingMessage): string {
  if (typeof request.id !== 'string') request.id = requestIdFrom(request);
  return request.id;
}

/** {@link requestIdOf}, also put on the response as `X-Request-ID`. */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const id = requestIdOf(request);
  if (!response.headersSent) response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
