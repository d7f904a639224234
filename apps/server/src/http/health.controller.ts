import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HealthResponse, UnreadyResponse } from '@ciphernest/protocol';
import { Readiness } from './readiness';

/**
 * The probes (docs/deployment.md, "Liveness and readiness"). `/livez` asks "restart me?": it
 * answers 200 while the process serves HTTP at all, whatever its dependencies say. `/readyz`
 * asks "send me traffic?": 503 while starting, while stopping, and while Redis is unreachable.
 * `/healthz` is the old name of `/livez`. None is logged (logging.module.ts) or rate limited.
 */
@Controller()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get(['livez', 'healthz'])
  @Header('Cache-Control', 'no-store')
  live(): HealthResponse {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  ready(@Res({ passthrough: true }) response: Response): HealthResponse | UnreadyResponse {
    const check = this.readiness.check();
    if (check.ready) return { status: 'ok' };
    response.status(503);
    return { status: 'unready', reason: check.reason };
  }
}
