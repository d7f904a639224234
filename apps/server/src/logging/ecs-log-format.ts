import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { ecsFormat } from '@elastic/ecs-pino-format';
import type { LoggerOptions } from 'pino';

/** Fields that must never be written: they stay where pino's redaction finds them (logging.module.ts). */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['token', 'vault', 'verifier', 'password', 'box']);

/** pino's own bindings, which @elastic/ecs-pino-format renames itself (process.pid, host.hostname, log.logger). */
const PINO_BINDINGS: ReadonlySet<string> = new Set(['pid', 'hostname', 'name']);

/** CipherNest's own fields that have an ECS field of the same meaning. */
const ECS_NAMES: Readonly<Record<string, string>> = {
  event: 'event.action',
  reqId: 'http.request.id',
  user: 'user.name',
  context: 'log.logger',
};

/** Everything else CipherNest logs goes under its own name, so no field collides with ECS's (`host`, say, is an object there). */
export const ECS_CUSTOM_PREFIX = 'ciphernest.';

function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

function isRequest(value: unknown): value is IncomingMessage {
  return typeof value === 'object' && value !== null && typeof (value as IncomingMessage).method === 'string' && typeof (value as IncomingMessage).url === 'string';
}

/**
 * One record's fields, named as the Elastic Common Schema names them: `event` (CipherNest's stable
 * event name) is `event.action`, the request id `http.request.id`, the user `user.name`, the
 * client address `client.address` (and `client.ip` when it is one: with LOG_IP=hashed it is not),
 * an HTTP request's method, path and status `http.request.method`, `url.path`,
 * `http.response.status_code`, its duration `event.duration` (ns); the rest under `ciphernest.`.
 * Request objects give their method and path only: never headers, query strings or bodies.
 */
export function toEcsFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SECRET_FIELDS.has(key) || PINO_BINDINGS.has(key) || key.includes('.') || key.startsWith('@')) {
      out[key] = value;
    } else if (ECS_NAMES[key]) {
      out[ECS_NAMES[key]] = value;
    } else if (key === 'ip') {
      out['client.address'] = value;
      if (typeof value === 'string' && isIP(value) !== 0) out['client.ip'] = value;
    } else if (key === 'req' && isRequest(value)) {
      out['http.request.method'] = value.method;
      // Its id is already on the line: the request logger's binding (pino-http's reqId key).
      out['url.path'] = pathOnly(value.url);
    } else if (key === 'res' && typeof value === 'object' && value !== null && 'statusCode' in value) {
      out['http.response.status_code'] = (value as ServerResponse).statusCode;
    } else if (key === 'responseTime' && typeof value === 'number') {
      out['event.duration'] = Math.round(value * 1_000_000);
    } else if (key === 'err' && !(value instanceof Error) && typeof value === 'object' && value !== null) {
      // Errors reduced to their message on purpose (a Redis error, say): ECS's error.message.
      const message = (value as { message?: unknown }).message;
      if (typeof message === 'string') out['error.message'] = message;
    } else if (key === 'err') {
      out[key] = value;
    } else if (key === 'path' || key === 'method') {
      out[key === 'path' ? 'url.path' : 'http.request.method'] = value;
    } else {
      out[`${ECS_CUSTOM_PREFIX}${key}`] = value;
    }
  }
  return out;
}

/**
 * pino options for LOG_FORMAT=ecs: @elastic/ecs-pino-format's (`@timestamp`, `log.level`,
 * `message`, `ecs.version`, `service.name`, `event.dataset`, `process.pid`, `host.hostname`,
 * Errors as `error.type`/`error.message`/`error.stack_trace`), with CipherNest's fields renamed
 * first (toEcsFields). Its own request conversion stays off: it would log every header.
 */
export function ecsLogOptions(serviceName: string): LoggerOptions {
  const ecs = ecsFormat({ apmIntegration: false, convertErr: true, convertReqRes: false, serviceName });
  const formatters = ecs.formatters ?? {};
  return {
    ...ecs,
    formatters: {
      ...formatters,
      bindings: (bindings: Record<string, unknown>) => (formatters.bindings ? formatters.bindings(toEcsFields(bindings)) : toEcsFields(bindings)),
      log: (record: Record<string, unknown>) => (formatters.log ? formatters.log(toEcsFields(record)) : toEcsFields(record)),
    },
  };
}
