import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { ERROR_MESSAGES, SOCKET_PATH, TRANSPORT_OVERHEAD_BYTES } from '@ciphernest/protocol';
import type { AppConfig } from '../config/app-config';
import { TRANSPORT_HEADERS } from '../web/security-headers';
import { bindEngineConnectionsToAddress } from './engine-address-binding';

/** Ping timing of PROTOCOL.md §6: a lost network is noticed within interval + timeout. */
export const PING_INTERVAL_MS = 10_000;
export const PING_TIMEOUT_MS = 5_000;

/** Socket.IO with options from the configuration (not from the gateway decorator). */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      serveClient: false,
      maxHttpBufferSize: this.config.limits.maxMessageBytes + TRANSPORT_OVERHEAD_BYTES,
      pingInterval: PING_INTERVAL_MS,
      pingTimeout: PING_TIMEOUT_MS,
      connectTimeout: 10_000,
      allowEIO3: false,
      cors: undefined,
    }) as Server;
    // Engine.IO answers (polling, upgrades) bypass Express and its security headers.
    server.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, TRANSPORT_HEADERS));
    bindEngineConnectionsToAddress(server, this.config.trustProxy);
    // Only /chat serves anything; the default namespace refuses every connection.
    server.of('/').use((_socket, next) => next(Object.assign(new Error(ERROR_MESSAGES.NOT_FOUND), { data: { code: 'NOT_FOUND' } })));
    return server;
  }
}
