import { Module, Optional, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { SpaShell } from './spa-shell';
import { WebAppMiddleware } from './web-app.middleware';
import { WebRoot } from './web-root';

/**
 * Serves the built Angular app's pages when there is one; the API works without it. Its files
 * (scripts, styles) are served before any route by `staticFiles` (create-app.ts).
 */
@Module({})
export class WebModule implements NestModule {
  constructor(@Optional() private readonly shell?: SpaShell) {}

  /** @throws ConfigError at once (before Nest starts) when `root` holds no Angular index.html. */
  static forRoot(root: WebRoot | undefined): DynamicModule {
    if (!root) return { module: WebModule };
    return {
      module: WebModule,
      providers: [
        { provide: WebRoot, useValue: root },
        { provide: SpaShell, useValue: SpaShell.read(root) },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (this.shell) consumer.apply(WebAppMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
