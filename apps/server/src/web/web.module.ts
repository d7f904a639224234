import { Module, type DynamicModule } from '@nestjs/common';
import { WebAppController } from './web-app.controller';
import { WebRoot } from './web-root';

/** Serves the built Angular app when there is one; the API works without it. */
@Module({})
export class WebModule {
  static forRoot(root: WebRoot | undefined): DynamicModule {
    if (!root) return { module: WebModule };
    return { module: WebModule, controllers: [WebAppController], providers: [{ provide: WebRoot, useValue: root }] };
  }
}
