import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { appRoutes } from '../../app-routes';
import { ApiClient } from '../../core/api/api-client';
import { ApiProblem } from '../../core/api/api-problem';
import { CryptoService } from '../../core/crypto/crypto.service';
import { SessionStore } from '../../core/session/session-store';
import { byButton, byLabel, findButton } from '../../shared/testing/dom-queries';

describe('CreatePage', () => {
  async function open(url: string): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      providers: [
        provideRouter(appRoutes, withComponentInputBinding()),
        { provide: ApiClient, useValue: { lookupKdf: jest.fn(async () => Promise.reject(new ApiProblem('ROOM_NOT_FOUND', 404, 'free'))) } },
        { provide: CryptoService, useValue: {} },
        { provide: SessionStore, useValue: { restore: async () => undefined } },
      ],
    });
    const harness = await RouterTestingHarness.create(url);
    return harness.routeNativeElement as HTMLElement;
  }

  it('is titled and headed "Create a room"', async () => {
    const element = await open('/create');

    expect(element.querySelector('h1')?.textContent).toBe('Create a room');
    expect(TestBed.inject(Title).getTitle()).toBe('Create a room · CipherNest');
  });

  it('prefills the form from ?username= and ?roomname=', async () => {
    const element = await open('/create?username=Alice&roomname=Quiet%20corner');

    expect(byLabel(element, 'Room name').value).toBe('Quiet corner');
    expect(byLabel(element, 'Username').value).toBe('Alice');
    expect(byLabel(element, 'Password').value).toBe('');
  });

  it('offers the create button and the passphrase generator', async () => {
    const element = await open('/create');

    expect(byButton(element, 'Create room').type).toBe('submit');
    expect(findButton(element, 'Generate passphrase')).toBeDefined();
    expect(findButton(element, 'Join room')).toBeUndefined();
  });
});
