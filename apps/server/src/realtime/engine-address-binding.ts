import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';
import { clientAddress, type TrustPolicy } from '../shared/client-address';

interface EngineRequest extends IncomingMessage {
  _query?: Record<string, string | undefined>;
}

interface EngineWithClients {
  clients: Record<string, { request: IncomingMessage }>;
  use(middleware: (request: EngineRequest, response: unknown, next: (error?: Error) => void) => void): void;
}

/**
 * Every request for an existing Engine.IO connection (a poll, a post, an upgrade carrying its
 * `sid`) must come from the client address that opened it. Engine.IO itself accepts any request
 * that knows the sid, which would let another address take over a member's connection and
 * bypass the token's address binding (docs/protocol.md §4).
 */
export function bindEngineConnectionsToAddress(server: Server, trust: TrustPolicy): void {
  const engine = server.engine as unknown as EngineWithClients;
  engine.use((request, _response, next) => {
    const sid = request._query?.['sid'];
    if (sid === undefined || !Object.hasOwn(engine.clients, sid)) return next();
    const owner = engine.clients[sid]!.request;
    if (clientAddress(owner, trust) === clientAddress(request, trust)) return next();
    next(new Error('this connection belongs to another address'));
  });
}
