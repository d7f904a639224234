import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HttpModule } from './http/http.module';
import { LoggingModule } from './logging/logging.module';
import { MembershipModule } from './membership/membership.module';
import { inMemoryMembershipAdapters, MEMBERSHIP_STORE_PORTS, redisMembershipAdapters } from './membership/membership.providers';
import { MetricsModule } from './metrics/metrics.module';
import { REALTIME_PORTS, realtimeAdapters } from './realtime/realtime.providers';
import { RealtimeModule } from './realtime/realtime.module';
import type { Clock } from './shared/clock';
import { RedisStore } from './store/redis/redis-store';
import { SharedRateLimits } from './store/shared-rate-limits';
import { TokenService } from './tokens/application/ports/token-service';
import { tokenProviders } from './tokens/tokens.providers';
import { WebModule } from './web/web.module';
import type { WebRoot } from './web/web-root';

/** Every port's adapter, bound once by AppModule and seen by every module. */
@Module({})
class AdaptersModule {
  static forRoot(redis: RedisStore | undefined): DynamicModule {
    const store: Provider[] = redis ? [{ provide: RedisStore, useValue: redis }, ...redisMembershipAdapters(redis)] : inMemoryMembershipAdapters();
    return {
      module: AdaptersModule,
      global: true,
      providers: [...store, ...realtimeAdapters, ...tokenProviders, { provide: SharedRateLimits, useValue: SharedRateLimits.of(redis) }],
      exports: [...MEMBERSHIP_STORE_PORTS, ...REALTIME_PORTS, TokenService, SharedRateLimits, ...(redis ? [RedisStore] : [])],
    };
  }
}

/**
 * The composition root. It alone chooses adapters: the store's (STORE: in this process, or in
 * Redis shared by several, membership.providers.ts), the real-time adapter's side of membership's
 * ports (RoomEvents, RoomSockets: realtime.providers.ts) and the token signer's; every module
 * below sees ports only. Then the modules: configuration and log, membership's use cases, the
 * metrics, and the driving adapters (HTTP API, real-time channel, web app).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { clock?: Clock; web?: WebRoot; redis?: RedisStore } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, options.clock),
        LoggingModule,
        AdaptersModule.forRoot(options.redis),
        MembershipModule,
        MetricsModule,
        HttpModule,
        RealtimeModule,
        WebModule.forRoot(options.web),
      ],
    };
  }
}
