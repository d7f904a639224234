import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoLogger } from 'nestjs-pino';
import { ConfigError, loadConfig, RATE_LIMIT_KEYS, type AppConfig } from './config/app-config';
import { createApp } from './create-app';
import { Readiness } from './http/readiness';
import { ChatGateway } from './realtime/chat.gateway';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from './realtime/configured-io.adapter';
import { RedisStore } from './store/redis/redis-store';

const SHUTDOWN_DEADLINE_MS = 4_500;

function stop(message: string): never {
  process.stderr.write(`CipherNest cannot start: ${message}\n`);
  process.exit(1);
}

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

/**
 * SIGTERM/SIGINT: /readyz turns 503 at once, the server goes on serving for SHUTDOWN_DRAIN_MS
 * (0 by default) so load balancers stop sending it traffic, then the gateway closes every
 * socket (alone, every room ends; with a shared store the sessions turn away and live on), and
 * the process exits 0 within 5 s of that. A process whose Redis heartbeat lapsed stops at once
 * (no drain) and exits 1, to be restarted.
 */
function handleSignals(app: NestExpressApplication, config: AppConfig, logger: PinoLogger): void {
  let stopping = false;
  const shutdown = (reason: string, code: number): void => {
    if (stopping) return;
    stopping = true;
    app.get(Readiness).stopping();
    const signalled = reason.startsWith('SIG');
    const drainMs = signalled ? config.shutdownDrainMs : 0;
    const ending = config.store === 'memory' ? 'every room ends' : 'its sessions turn away; the other processes keep them';
    const cause = signalled ? { signal: reason } : { reason };
    logger.info({ event: 'server.stopping', ...cause, drainMs }, `stopping: ${ending}`);
    setTimeout(() => process.exit(code), drainMs + SHUTDOWN_DEADLINE_MS).unref();
    // Closing connections to a Redis that is gone rejects promises nobody awaits (Socket.IO's
    // Redis adapter unsubscribing); while stopping, that is expected and no reason to crash.
    process.on('unhandledRejection', (error: unknown) => {
      logger.warn({ event: 'server.stop_error', err: { message: (error as Error)?.message } }, 'an error while stopping');
    });
    delay(drainMs)
      .then(() => app.get(ChatGateway).shutdown())
      .then(() => app.close())
      .catch((error: unknown) => logger.error({ event: 'server.stop_failed', err: error }, 'clean stop failed'))
      .finally(() => {
        logger.info({ event: 'server.stopped' }, 'stopped');
        process.exit(code);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  process.once('SIGINT', () => shutdown('SIGINT', 0));
  if (config.store === 'redis') {
    app.get(RedisStore).once('lapsed', () => {
      logger.error({ event: 'redis.node_lapsed' }, 'this process missed its Redis heartbeat and may have lost its sessions; restarting');
      shutdown('redis.node_lapsed', 1);
    });
  }
}

async function bootstrap(): Promise<void> {
  const config = readConfig();
  let app: NestExpressApplication;
  try {
    app = await createApp(config);
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
  const logger = await app.resolve(PinoLogger);
  logger.setContext('Server');
  handleSignals(app, config, logger);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    stop(`cannot listen on ${config.host}:${config.port} (${(error as Error).message}); set PORT or HOST`);
  }
  app.get(Readiness).serving();
  const { port } = app.getHttpServer().address() as AddressInfo;
  const off = RATE_LIMIT_KEYS.filter((key) => config.limits[key] === 0);
  if (off.length > 0) logger.warn({ event: 'config.rate_limits_off', limits: off }, 'some rate limits are off');
  const { replayMs, disconnectGraceMs } = config.limits;
  if (replayMs < disconnectGraceMs + PING_INTERVAL_MS + PING_TIMEOUT_MS) {
    logger.warn(
      { event: 'config.replay_short', replayMs, disconnectGraceMs },
      'REPLAY_MS is shorter than the grace plus the ping interval and timeout: a member who resumes late may miss messages',
    );
  }
  logger.info(
    { event: 'server.started', port, host: config.host, tls: config.tls !== undefined, store: config.store },
    `CipherNest listening on ${config.tls ? 'https' : 'http'}://${config.host}:${port}`,
  );
}

void bootstrap();
