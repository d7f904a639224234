import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { appRoutes } from '../../app-routes';
import { ApiClient } from '../../core/api/api-client';
import { CryptoService } from '../../core/crypto/crypto.service';
import { SessionStore } from '../../core/session/session-store';

/**
 * Opens `url` (`/create` or `/login`, with their query) through the app's real routes, with no
 * session to restore and every room name free; resolves to the routed page's element.
 */
export async function openRoomPage(url: string): Promise<HTMLElement> {
  TestBed.configureTestingModule({
    providers: [
      provideRouter(appRoutes, withComponentInputBinding()),
      { provide: ApiClient, useValue: { roomExists: async () => false } },
      { provide: CryptoService, useValue: {} },
      { provide: SessionStore, useValue: { restore: async () => undefined } },
    ],
  });
  const harness = await RouterTestingHarness.create(url);
  return harness.routeNativeElement as HTMLElement;
}
