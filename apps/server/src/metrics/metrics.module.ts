import { Global, Module } from '@nestjs/common';
import { ChatMetrics } from './chat-metrics';

/**
 * Prometheus metrics (prom-client): rooms and sessions read from the stores at each scrape,
 * relays and refusals reported through ChatMetrics by the driving adapters, and the process's
 * own metrics (event-loop lag among them) when METRICS_TOKEN is set. Served by the HTTP API
 * (http/metrics.controller.ts). Global, so the gateway and the HTTP exception filter can report
 * without importing this module.
 */
@Global()
@Module({
  providers: [ChatMetrics],
  exports: [ChatMetrics],
})
export class MetricsModule {}
