import { Module, type ExecutionContext, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, Reflector } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { MembershipModule } from '../membership/membership.module';
import { SharedRateLimits } from '../store/shared-rate-limits';
import { ApiExceptionFilter } from './api-exception.filter';
import { apiValidationPipe } from './api-validation.pipe';
import { ClientAddressMiddleware } from './client-address.middleware';
import { FailedJoinInterceptor } from './failed-join.interceptor';
import { HealthController } from './health.controller';
import { JsonBodyMiddleware } from './json-body.middleware';
import { MetricsController } from './metrics.controller';
import { Readiness } from './readiness';
import { RATE_BUCKET, type RateBucket } from './rate-limit.decorator';
import { RoomDirectoryController } from './room-directory.controller';
import { RoomsController } from './rooms.controller';
import { SessionController } from './session.controller';

const MINUTE_MS = 60_000;

function throttlers(config: AppConfig) {
  const reflector = new Reflector();
  const limits: Record<RateBucket, number> = {
    creates: config.limits.rateCreatesPerMin,
    joins: config.limits.rateJoinsPerMin,
    lookups: config.limits.rateLookupsPerMin,
  };
  return Object.entries(limits).map(([name, limit]) => ({
    name,
    ttl: MINUTE_MS,
    limit,
    blockDuration: MINUTE_MS,
    // Each route counts toward its own bucket only; a limit of 0 is off.
    skipIf: (context: ExecutionContext) => limit === 0 || reflector.get(RATE_BUCKET, context.getHandler()) !== name,
  }));
}

/** The HTTP API of docs/protocol.md §4, the probes (/livez, /readyz) and /metrics. */
@Module({
  imports: [
    MembershipModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, SharedRateLimits],
      useFactory: (config: AppConfig, shared: SharedRateLimits) => ({
        throttlers: throttlers(config),
        setHeaders: false,
        storage: shared.throttlerStorage,
      }),
    }),
  ],
  controllers: [RoomsController, RoomDirectoryController, SessionController, HealthController, MetricsController],
  providers: [
    Readiness,
    FailedJoinInterceptor,
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    { provide: APP_PIPE, useFactory: apiValidationPipe },
  ],
})
export class HttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ClientAddressMiddleware, JsonBodyMiddleware).forRoutes(RoomsController, RoomDirectoryController, SessionController);
  }
}
