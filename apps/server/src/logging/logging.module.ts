import type { IncomingMessage, ServerResponse } from 'node:http';
import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { levels, stdTimeFunctions, type LevelWithSilent, type LoggerOptions } from 'pino';
import { AppConfig } from '../config/app-config';
import { clientAddress } from '../shared/client-address';
import { RedisStore } from '../store/redis/redis-store';
import { ecsLogOptions } from './ecs-log-format';
import { LogAddress } from './log-address';
import { assignRequestId } from './request-id';

/** With STORE=redis, the deployment's log key (new at its cold start); otherwise the process's own. */
const LOG_ADDRESS_INPUTS = [AppConfig, { token: RedisStore, optional: true }];

/** Probes ask every few seconds; their answers say all there is to say. */
const UNLOGGED_PATHS: ReadonlySet<string> = new Set(['/livez', '/readyz', '/healthz']);

function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

const SERVICE = 'ciphernest';

/**
 * How a line is written (LOG_FORMAT): CipherNest's JSON (`time`, `level`, `service`, `event`,
 * `msg`), the same made readable (pretty), or the Elastic Common Schema (ecs-log-format.ts).
 */
function lineFormat(config: AppConfig): LoggerOptions {
  if (config.logFormat === 'ecs') return ecsLogOptions(SERVICE);
  const json: LoggerOptions = {
    base: { service: SERVICE },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    messageKey: 'msg',
  };
  if (config.logFormat === 'pretty') return { ...json, transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:standard' } } };
  return json;
}

/**
 * JSON lines on stdout through nestjs-pino, one `event` a line. Request logs carry the method,
 * the path without its query string, the status and the request id (X-Request-ID, kept when a
 * valid one came in: request-id.ts); never headers or bodies.
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: LOG_ADDRESS_INPUTS,
      useFactory: (config: AppConfig, store?: RedisStore) => {
        const addresses = LogAddress.forConfig(config, store);
        const threshold = levels.values[config.logLevel] ?? Number.POSITIVE_INFINITY; // 'silent' has no value
        const enabled = (level: 'error' | 'info' | 'debug'): boolean => (levels.values[level] ?? 0) >= threshold;
        return {
          pinoHttp: {
            level: config.logLevel,
            ...lineFormat(config),
            redact: {
              paths: ['req.headers', 'req.query', 'req.body', 'token', 'vault', 'verifier', 'password', 'box', '*.token', '*.vault', '*.verifier', '*.password', '*.box'],
              censor: '[redacted]',
            },
            // Lines written while a request is handled carry its id only (reqId); the request
            // line itself carries the request too, in its own object (below), so that
            // LOG_FORMAT=ecs can name its fields (bindings of child loggers bypass formatters).
            quietReqLogger: true,
            quietResLogger: true,
            ...(config.logFormat === 'ecs' ? { customAttributeKeys: { reqId: 'http.request.id' } } : {}),
            // Already given by the first middleware (create-app.ts); the same id either way.
            genReqId: (req: IncomingMessage, res: ServerResponse) => assignRequestId(req, res),
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: pathOnly(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            // 'silent' where the level is off: pino-http then builds no line at all (the
            // line's object, with the client address, costs CPU on every request otherwise).
            customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error): LevelWithSilent => {
              const level = error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
              return enabled(level) ? level : 'silent';
            },
            customSuccessObject: (req: IncomingMessage, _res: ServerResponse, value: object) => ({
              req,
              ...value,
              event: 'http.request',
              ip: addresses.format(clientAddress(req, config.trustProxy)),
            }),
            customErrorObject: (req: IncomingMessage, _res: ServerResponse, _error: Error, value: object) => ({
              req,
              ...value,
              event: 'http.request',
              ip: addresses.format(clientAddress(req, config.trustProxy)),
            }),
            customSuccessMessage: () => 'request completed',
            customErrorMessage: () => 'request failed',
            autoLogging: { ignore: (req: IncomingMessage) => UNLOGGED_PATHS.has(pathOnly(req.url)) },
          },
        };
      },
    }),
  ],
  providers: [{ provide: LogAddress, inject: LOG_ADDRESS_INPUTS, useFactory: (config: AppConfig, store?: RedisStore) => LogAddress.forConfig(config, store) }],
  exports: [LogAddress],
})
export class LoggingModule {}
