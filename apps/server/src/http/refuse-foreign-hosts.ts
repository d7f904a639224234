import type { IncomingMessage, ServerResponse } from 'node:http';
import { FOREIGN_HOST_MESSAGE, type HostPolicy } from '../shared/host-policy';
import { ApiError } from './api-error';

type Next = (error?: unknown) => void;

/**
 * Paths left to machines on the private network whatever host name they use: health checks
 * (docker/healthcheck.cjs asks 127.0.0.1) and Prometheus. Neither holds anything a rebinding
 * page could use: /healthz says "ok", /metrics needs METRICS_TOKEN.
 */
const MACHINE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/metrics']);

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] ?? '/';
}

/**
 * Answers every HTTP request (API, pages and files alike) that names a host this server does
 * not serve with 403 ORIGIN_REFUSED, before anything else reads it (DNS rebinding, HostPolicy).
 * `refused` learns of each refusal, for the log.
 */
export function refuseForeignHosts(policy: HostPolicy, refused: (request: IncomingMessage) => void): (request: IncomingMessage, response: ServerResponse, next: Next) => void {
  const body = JSON.stringify(new ApiError('ORIGIN_REFUSED', FOREIGN_HOST_MESSAGE).toBody());
  return (request, response, next) => {
    if (policy.allows(request) || (MACHINE_PATHS.has(pathOf(request)) && ['GET', 'HEAD'].includes(request.method ?? ''))) return next();
    refused(request);
    response.statusCode = 403;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(body));
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}
