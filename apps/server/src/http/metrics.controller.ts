import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { ApiError } from './api-error';
import { bearerMatches } from './bearer-token';
import { ChatMetrics } from '../metrics/chat-metrics';

/**
 * GET /metrics for Prometheus. Without METRICS_TOKEN it does not exist (404 NOT_FOUND, as any
 * unknown path); with it, only `Authorization: Bearer <METRICS_TOKEN>` is answered, anything
 * else gets 401 with the usual error body.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: ChatMetrics,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    const token = this.config.metricsToken;
    if (token === undefined) throw new ApiError('NOT_FOUND');
    if (!bearerMatches(authorization, token)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new ApiError('TOKEN_INVALID', 'Metrics need the header Authorization: Bearer <METRICS_TOKEN>.');
    }
    const body = await this.metrics.render();
    response.setHeader('Cache-Control', 'no-store');
    // Exactly prom-client's content type (res.send would append a charset to it).
    response.setHeader('Content-Type', this.metrics.contentType);
    response.end(body);
  }
}
