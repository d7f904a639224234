import type { IncomingMessage, ServerResponse } from 'node:http';
import { FOREIGN_HOST_MESSAGE, type HostPolicy } from '../shared/host-policy';
import { assignRequestId } from '../logging/request-id';
import { ApiError } from './api-error';

type Next = (error?: unknown) => void;

/**
 * Paths left to machines on the private network whatever host name they use: health checks
 * (docker/healthcheck.cjs asks 127.0.0.1, an orchestrator the pod's address) and Prometheus.
 * None holds anything a rebinding page could use: the probes say "ok" or why not, /metrics
 * needs METRICS_TOKEN.
 */
const MACHINE_PATHS: ReadonlySet<string> = new Set(['/livez', '/readyz', '/healthz', '/metrics']);

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] ?? '/';
}

/**
 * Answers every HTTP request (API, pages and files alike) that names a host this server does
 * not serve with 403 ORIGIN_REFUSED, before anything else reads it (DNS rebinding, HostPolicy).
 * `refused` learns of each refusal, for the log.
 */
export function refuseForeignHosts(policy: HostPolicy, refused: (request: IncomingMessage) => void): (request: IncomingMessage, response: ServerResponse, next: Next) => void {
  const refusal = new ApiError('ORIGIN_REFUSED', FOREIGN_HOST_MESSAGE);
  return (request, response, next) => {
    if (policy.allows(request) || (MACHINE_PATHS.has(pathOf(request)) && ['GET', 'HEAD'].includes(request.method ?? ''))) return next();
    refused(request);
    const body = JSON.stringify(refusal.toBody(assignRequestId(request, response)));
    response.statusCode = 403;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(body));
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}
