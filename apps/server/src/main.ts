import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoLogger } from 'nestjs-pino';
import { ConfigError, loadConfig, RATE_LIMIT_KEYS, type AppConfig } from './config/app-config';
import { createApp } from './create-app';
import { ChatGateway } from './realtime/chat.gateway';

const SHUTDOWN_DEADLINE_MS = 4_500;

function stop(message: string): never {
  process.stderr.write(`CipherNest cannot start: ${message}\n`);
  process.exit(1);
}

function readConfig(): AppConfig {
  try {
    const config = loadConfig();
    if (config.store === 'redis') stop('STORE=redis is not available in this version; use STORE=memory');
    return config;
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
}

/** SIGTERM/SIGINT: every socket hears `shutdown`, then the process exits 0 within 5 s. */
function handleSignals(app: NestExpressApplication, logger: PinoLogger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'server.stopping', signal }, 'stopping: every room ends');
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS);
    app.get(ChatGateway).shutdown();
    app
      .close()
      .catch((error: unknown) => logger.error({ event: 'server.stop_failed', err: error }, 'clean stop failed'))
      .finally(() => {
        logger.info({ event: 'server.stopped' }, 'stopped');
        process.exit(0);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
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
  handleSignals(app, logger);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    stop(`cannot listen on ${config.host}:${config.port} (${(error as Error).message}); set PORT or HOST`);
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const off = RATE_LIMIT_KEYS.filter((key) => config.limits[key] === 0);
  if (off.length > 0) logger.warn({ event: 'config.rate_limits_off', limits: off }, 'some rate limits are off');
  logger.info(
    { event: 'server.started', port, host: config.host, tls: config.tls !== undefined, store: config.store },
    `CipherNest listening on ${config.tls ? 'https' : 'http'}://${config.host}:${port}`,
  );
}

void bootstrap();
