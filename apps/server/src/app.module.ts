import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HttpModule } from './http/http.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RealtimeModule } from './realtime/realtime.module';
import type { Clock } from './shared/clock';
import type { RedisStore } from './store/redis/redis-store';
import { StoreModule } from './store/store.module';
import { TokensModule } from './tokens/tokens.module';
import { WebModule } from './web/web.module';
import type { WebRoot } from './web/web-root';

/** The composition root: configuration, log, stores, tokens, and the two driving adapters. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { clock?: Clock; web?: WebRoot; redis?: RedisStore } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, options.clock),
        LoggingModule,
        StoreModule.forRoot(options.redis),
        TokensModule,
        MetricsModule,
        HttpModule,
        RealtimeModule,
        WebModule.forRoot(options.web),
      ],
    };
  }
}
