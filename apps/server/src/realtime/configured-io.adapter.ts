import type { INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { ERROR_MESSAGES, SOCKET_PATH, TRANSPORT_OVERHEAD_BYTES } from '@ciphernest/protocol';
import type { AppConfig } from '../config/app-config';
import { redisKeys } from '../store/redis/redis-keys';
import type { RedisStore } from '../store/redis/redis-store';
import { HostPolicy } from '../shared/host-policy';
import { TRANSPORT_HEADERS } from '../web/security-headers';
import { bindEngineConnectionsToAddress } from './engine-address-binding';
import { EngineAdmission } from './engine-admission';
import { limitFrames, PRE_ADMISSION_FRAME_BYTES } from './frame-limits';
import { chatSocketParser } from './chat-socket-parser';
import { refuseForeignEngineHosts } from './refuse-foreign-engine-hosts';

/** Ping timing of docs/protocol.md §6: a lost network is noticed within interval + timeout. */
export const PING_INTERVAL_MS = 10_000;
export const PING_TIMEOUT_MS = 5_000;

/**
 * Socket.IO with options from the configuration (not from the gateway decorator), and with
 * a shared store, Socket.IO's Redis adapter: a broadcast to a Socket.IO room (presence,
 * typing, session ends, closing a replaced socket) reaches its sockets in every process.
 */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly redis?: RedisStore,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const admission = this.app.get(EngineAdmission);
    const server = super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      serveClient: false,
      // Origin and connections per address, checked before an Engine.IO connection exists.
      allowRequest: admission.allowRequest,
      // Until the connection's socket has joined /chat; then the transport limit (limitFrames).
      maxHttpBufferSize: PRE_ADMISSION_FRAME_BYTES,
      parser: chatSocketParser,
      pingInterval: PING_INTERVAL_MS,
      pingTimeout: PING_TIMEOUT_MS,
      connectTimeout: 10_000,
      allowEIO3: false,
      cors: undefined,
    }) as Server;
    if (this.redis) server.adapter(createAdapter(this.redis.commands, this.redis.subscriber, { key: redisKeys.socketIo }));
    // Engine.IO answers (polling, upgrades) bypass Express and its security headers.
    server.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, TRANSPORT_HEADERS));
    refuseForeignEngineHosts(server, new HostPolicy(this.config.publicOrigin, this.config.allowedOrigins, this.config.trustProxy));
    bindEngineConnectionsToAddress(server, this.config.trustProxy);
    admission.bind(server);
    limitFrames(server, this.config.limits.maxMessageBytes + TRANSPORT_OVERHEAD_BYTES);
    // Only /chat serves anything; the default namespace refuses every connection.
    server.of('/').use((_socket, next) => next(Object.assign(new Error(ERROR_MESSAGES.NOT_FOUND), { data: { code: 'NOT_FOUND' } })));
    return server;
  }

  /**
   * ChatGateway binds its events on each socket itself (bind-handler.ts) and has no
   * @SubscribeMessage handler, but Nest still calls this for every socket, and IoAdapter builds
   * a `disconnect` observable chain (fromEvent, share, first: about 15 closures) for it before
   * looking at the empty list: about 2 KiB of heap per connected member. With no handler there
   * is nothing to bind.
   */
  override bindMessageHandlers(socket: Parameters<IoAdapter['bindMessageHandlers']>[0], handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    if (handlers.length > 0) super.bindMessageHandlers(socket, handlers, transform);
  }

  /**
   * Nest feeds each socket's `disconnect` to a gateway's OnGatewayDisconnect; ChatGateway has
   * none (ChatConnections listens to `disconnect` itself), so the listener and its closure per
   * socket would feed nobody.
   */
  override bindClientDisconnect(): void {
    // Nothing listens: see above.
  }
}
