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

describe('LoginPage', () => {
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

  it('is titled and headed "Join a room"', async () => {
    const element = await open('/login');

    expect(element.querySelector('h1')?.textContent).toBe('Join a room');
    expect(TestBed.inject(Title).getTitle()).toBe('Join a room · CipherNest');
  });

  it('prefills the form from ?username= and ?roomname=', async () => {
    const element = await open('/login?username=Alice&roomname=Quiet%20corner');

    expect(byLabel(element, 'Room name').value).toBe('Quiet corner');
    expect(byLabel(element, 'Username').value).toBe('Alice');
    expect(byLabel(element, 'Password').value).toBe('');
  });

  it('offers the join button and no passphrase generator', async () => {
    const element = await open('/login');

    expect(byButton(element, 'Join room').type).toBe('submit');
    expect(findButton(element, 'Generate passphrase')).toBeUndefined();
    expect(findButton(element, 'Create room')).toBeUndefined();
  });

  it('takes the first of a repeated parameter', async () => {
    const element = await open('/login?roomname=Den&roomname=Attic');

    expect(byLabel(element, 'Room name').value).toBe('Den');
    expect(byLabel(element, 'Username').value).toBe('');
  });

  it('keeps names with spaces and non-Latin letters from the query intact', async () => {
    const element = await open('/login?roomname=%C3%89t%C3%A9%20club&username=%E5%B0%8F%E6%98%8E');

    expect(byLabel(element, 'Room name').value).toBe('Été club');
    expect(byLabel(element, 'Username').value).toBe('小明');
  });
});
