import {
  type ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { appRoutes } from './app-routes';
import { SessionStore } from './core/session/session-store';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    // Component input binding hands `?roomname=` and `?username=` to the create and join pages.
    provideRouter(appRoutes, withComponentInputBinding(), withInMemoryScrolling({ scrollPositionRestoration: 'enabled' })),
    // Settle this tab's identity at once, so a duplicated tab is told apart on any page.
    provideAppInitializer(() => {
      void inject(SessionStore).restore();
    }),
  ],
};
