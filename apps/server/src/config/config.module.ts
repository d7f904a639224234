import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '../shared/clock';
import { AppConfig } from './app-config';

/** Makes the validated configuration and the clock available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [AppConfig, Clock],
    };
  }
}
