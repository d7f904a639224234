import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, type AppConfig } from './config/app-config';
import { NestLogBridge } from './logging/nest-log-bridge';
import { refuseForeignHosts } from './http/refuse-foreign-hosts';
import { LogAddress } from './logging/log-address';
import { ChatMetrics } from './metrics/chat-metrics';
import { assignRequestId } from './logging/request-id';
import { ConfiguredIoAdapter } from './realtime/configured-io.adapter';
import { clientAddress } from './shared/client-address';
import type { Clock } from './shared/clock';
import { HostPolicy } from './shared/host-policy';
import { RedisStore } from './store/redis/redis-store';
import { MEMBERSHIP_REDIS_SCRIPTS } from './membership/membership.providers';
import { securityHeaders } from './web/security-headers';
import { staticFiles } from './web/static-files';
import { WebRoot } from './web/web-root';

function readTls(config: AppConfig): { cert: Buffer; key: Buffer } | undefined {
  if (!config.tls) return undefined;
  const read = (variable: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch {
      throw new ConfigError(`${variable} names a file that cannot be read (${path})`);
    }
  };
  return { cert: read('TLS_CERT', config.tls.cert), key: read('TLS_KEY', config.tls.key) };
}

const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 20_000;

/**
 * Options Nest needs when the application is created. `abortOnError: false`: an error while
 * creating it reaches main.ts, which says why the server cannot start, instead of Nest exiting
 * on its own.
 */
export function applicationOptions(config: AppConfig): NestApplicationOptions {
  return { bodyParser: false, bufferLogs: true, abortOnError: false, httpsOptions: readTls(config) };
}

/**
 * The Express instance under Nest, with routes matched exactly as written: case-sensitive and
 * without an optional trailing slash. Express matches `/METRICS` and `/metrics/` to `/metrics`
 * by default, which walked around the proxy's rule for that path. The settings must be in place
 * before Express creates its router, which Nest does while creating the application.
 */
export function strictHttpAdapter(): ExpressAdapter {
  const instance = express();
  instance.set('case sensitive routing', true);
  instance.set('strict routing', true);
  return new ExpressAdapter(instance);
}

/** Builds the whole server (not yet listening): HTTP API, Socket.IO, logs, and the web app if built. */
export async function createApp(config: AppConfig, options: { clock?: Clock; web?: WebRoot } = {}): Promise<NestExpressApplication> {
  const web = options.web ?? WebRoot.find();
  // Before Nest: a Redis that cannot be used is a ConfigError with nothing else printed.
  const redis = config.store === 'redis' ? await RedisStore.connect(config.redisUrl ?? '', { scripts: MEMBERSHIP_REDIS_SCRIPTS }) : undefined;
  try {
    const module = AppModule.forRoot(config, { ...options, web, redis });
    const app = await NestFactory.create<NestExpressApplication>(module, strictHttpAdapter(), applicationOptions(config));
    return await configureApp(app, config, web);
  } catch (error) {
    await redis?.close();
    throw error;
  }
}

/**
 * What every instance needs after creation: request ids, the log, the configured Socket.IO adapter, the
 * security headers on every response, the Host check, and the web app's files ahead of every
 * route.
 */
export async function configureApp(app: NestExpressApplication, config: AppConfig, web?: WebRoot): Promise<NestExpressApplication> {
  const router = (app.getHttpAdapter().getInstance() as { router?: { caseSensitive?: boolean; strict?: boolean } }).router;
  if (!router?.caseSensitive || !router.strict) throw new Error('create the application with strictHttpAdapter(): routes must match exactly');
  const logger = await app.resolve(PinoLogger);
  app.useLogger(new NestLogBridge(logger.logger));
  const redis = config.store === 'redis' ? app.get(RedisStore) : undefined;
  // ioredis reconnects by itself; a lost connection shows in the log, not as a crash.
  const metrics = app.get(ChatMetrics);
  redis?.reportErrors((error) => {
    metrics.redisError();
    logger.error({ event: 'redis.error', err: { message: error.message } }, 'Redis connection error');
  });
  app.useWebSocketAdapter(new ConfiguredIoAdapter(app, config, redis));
  app.disable('x-powered-by');
  // First of all: every answer, a refusal by the Host check included, carries the request's id
  // (X-Request-ID, and `requestId` in error bodies); pino-http logs the same one.
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    assignRequestId(request, response);
    next();
  });
  // A whole request (headers and body) must arrive within 30 s; Node's default is 5 minutes.
  Object.assign(app.getHttpServer(), { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS });
  app.use(securityHeaders(config.trustProxy));
  // Before anything reads the request: a foreign Host is DNS rebinding (HostPolicy).
  const hosts = new HostPolicy(config.publicOrigin, config.allowedOrigins, config.trustProxy);
  const addresses = app.get(LogAddress);
  app.use(
    refuseForeignHosts(hosts, (request) => {
      const ip = addresses.format(clientAddress(request, config.trustProxy));
      logger.info({ event: 'host.rejected', reqId: request.id, host: hosts.hostOf(request)?.slice(0, 100), ip }, 'request for a host this server does not serve refused');
    }),
  );
  if (web) app.use(staticFiles(web));
  return app;
}
