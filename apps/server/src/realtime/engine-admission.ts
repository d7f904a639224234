import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { PacketType } from 'socket.io-parser';
import { CHAT_NAMESPACE, ERROR_MESSAGES, ErrorCode } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from '../logging/request-id';
import { addressKey, clientAddress } from '../shared/client-address';
import { OriginPolicy } from '../shared/origin-policy';
import { SocketReport } from './socket-report';

/** Engine.IO's `allowRequest` callback: an error text and whether the handshake may go on. */
type AllowRequestAnswer = (error: string | null | undefined, success: boolean) => void;

interface Handshake {
  address: string;
  key: string;
  foreign: boolean;
}

/** What is used here of an Engine.IO connection (engine.io's Socket). */
interface EngineConnection {
  readonly request: IncomingMessage;
  write(data: string): unknown;
  close(): unknown;
  on(event: 'close', listener: (this: EngineConnection) => void): unknown;
}

/**
 * Who may open an Engine.IO connection at all, decided at the Engine.IO handshake (Socket.IO's
 * `allowRequest`) before the connection exists and before anything it sends is read:
 *
 * - at most `MAX_CONNECTIONS_PER_ADDRESS` open connections per client address (IPv6: per
 *   prefix), joined to /chat or not. Over it the handshake is refused with Engine.IO's own
 *   answer carrying `RATE_LIMITED`: long-polling gets 403 `{"code":4,"message":"RATE_LIMITED"}`,
 *   a WebSocket upgrade 400 with the body `RATE_LIMITED`. Counted per process.
 * - a handshake whose `Origin` is not allowed (docs/protocol.md §4) gets a connection that only
 *   carries Socket.IO's `connect_error` ORIGIN_REFUSED for /chat and is closed at once: clients
 *   tell the refusal apart as docs/protocol.md §5 promises (a refused HTTP handshake cannot say why
 *   to a browser's WebSocket), and nothing the client sends on it is read (Engine.IO drops
 *   packets of a closing connection).
 */
@Injectable()
export class EngineAdmission {
  private readonly origins: OriginPolicy;
  /** Open Engine.IO connections per address key. */
  private readonly open = new Map<string, number>();
  /** What allowRequest learned of each handshake, read again when it becomes a connection. */
  private readonly handshakes = new WeakMap<IncomingMessage, Handshake>();
  /** The address key each open connection is counted under. */
  private readonly keys = new WeakMap<EngineConnection, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly report: SocketReport,
  ) {
    this.origins = new OriginPolicy(config.allowedOrigins, config.trustProxy);
  }

  /** Socket.IO's `allowRequest` option: runs for every Engine.IO handshake (a request without `sid`). */
  readonly allowRequest = (request: IncomingMessage, answer: AllowRequestAnswer): void => {
    const handshake = this.read(request);
    if ((this.open.get(handshake.key) ?? 0) >= this.config.perAddress.maxConnectionsPerAddress) {
      this.report.handshakeRateLimited(this.report.ip(handshake.address), 'connections', requestIdOf(request));
      answer(ErrorCode.RateLimited, false);
      return;
    }
    this.handshakes.set(request, handshake);
    answer(null, true);
  };

  /**
   * Counts the server's connections and refuses the foreign ones. A handshake that allowRequest
   * let through becomes its 'connection' within the same tick (engine.io 6 does nothing
   * asynchronous in between), so no other handshake can pass the count meanwhile.
   */
  bind(server: Server): void {
    const engine = server.engine as unknown as { on(event: 'connection', listener: (connection: EngineConnection) => void): void };
    // One `close` listener for every connection (an engine.io connection closes once): nothing per member.
    const keys = this.keys;
    const open = this.open;
    const closed = function connectionClosed(this: EngineConnection): void {
      const key = keys.get(this);
      if (key === undefined) return;
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    };
    engine.on('connection', (connection) => {
      const handshake = this.handshakes.get(connection.request) ?? this.read(connection.request);
      this.handshakes.delete(connection.request);
      this.open.set(handshake.key, (this.open.get(handshake.key) ?? 0) + 1);
      this.keys.set(connection, handshake.key);
      connection.on('close', closed);
      if (handshake.foreign) this.refuseOrigin(server, connection, handshake.address, requestIdOf(connection.request));
    });
  }

  /** The client address, its key and whether the Origin is foreign, worked out once per handshake. */
  private read(request: IncomingMessage): Handshake {
    const address = clientAddress(request, this.config.trustProxy);
    return { address, key: addressKey(address, this.config.perAddress.ipv6PrefixLength), foreign: !this.origins.allows(request) };
  }

  private refuseOrigin(server: Server, connection: EngineConnection, address: string, requestId: string): void {
    const code = ErrorCode.OriginRefused;
    this.report.handshakeRefused(this.report.ip(address), code, requestId);
    const refusal = { type: PacketType.CONNECT_ERROR, nsp: CHAT_NAMESPACE, data: { message: ERROR_MESSAGES[code], data: { code } } };
    for (const encoded of server.encoder.encode(refusal) as string[]) connection.write(encoded);
    // Sends what is queued, then closes; packets arriving meanwhile are dropped unread.
    connection.close();
  }
}
