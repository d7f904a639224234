import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';
import { ErrorCode, HTTP_STATUS, type ErrorBody } from '@ciphernest/protocol';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/request-id';
import { FOREIGN_HOST_MESSAGE, type HostPolicy } from '../shared/host-policy';
import { TRANSPORT_HEADERS } from '../web/security-headers';

interface EngineWithMiddleware {
  use(middleware: (request: IncomingMessage, response: unknown, next: (error?: Error) => void) => void): void;
}

/** The refusal, with the request's id in its body and its X-Request-ID header, as the HTTP API's. */
function refusal(request: IncomingMessage): { body: string; headers: Record<string, string | number> } {
  const requestId = requestIdOf(request);
  const refused: ErrorBody = { statusCode: HTTP_STATUS.ORIGIN_REFUSED, code: ErrorCode.OriginRefused, message: FOREIGN_HOST_MESSAGE, requestId };
  const body = JSON.stringify(refused);
  const headers = { ...TRANSPORT_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), [REQUEST_ID_HEADER]: requestId, Connection: 'close' };
  return { body, headers };
}

/**
 * Every Engine.IO request (a handshake, a poll, a WebSocket upgrade) that names a host this
 * server does not serve is answered 403 ORIGIN_REFUSED, as an HTTP request is (DNS rebinding,
 * HostPolicy). The answer is complete here: Engine.IO is not called back, since its own error
 * answer would follow ours on the same connection.
 */
export function refuseForeignEngineHosts(server: Server, policy: HostPolicy): void {
  const engine = server.engine as unknown as EngineWithMiddleware;
  engine.use((request, response, next) => {
    if (policy.allows(request)) return next();
    const { body, headers } = refusal(request);
    if (response instanceof ServerResponse) {
      response.writeHead(HTTP_STATUS.ORIGIN_REFUSED, headers).end(body);
      return;
    }
    // An upgrade: Engine.IO hands middlewares a stand-in response, so the answer goes on the socket.
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    (request.socket as NetSocket).end(`HTTP/1.1 403 Forbidden\r\n${lines.join('')}\r\n${body}`);
  });
}
