import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { App } from './app';
import { appRoutes } from './app-routes';

describe('App', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter(appRoutes, withComponentInputBinding())],
    });
  });

  it('renders the header and the home page at the root address', async () => {
    const fixture = TestBed.createComponent(App);
    await TestBed.inject(Router).navigateByUrl('/');
    await fixture.whenStable();

    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('header .brand')?.textContent).toBe('CipherNest');
    expect(element.querySelector('main h1')?.textContent).toBe('CipherNest');
  });

  it('opens the join page from the header link', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();

    const element = fixture.nativeElement as HTMLElement;
    element.querySelector<HTMLAnchorElement>('nav a[href="/login"]')?.click();
    await fixture.whenStable();

    expect(TestBed.inject(Router).url).toBe('/login');
    expect(element.querySelector('main h1')?.textContent).toBe('Join a room');
    expect(element.querySelector('main')?.textContent).toContain('Coming soon');
  });

  it('shows the not-found page for an unknown address', async () => {
    const harness = await RouterTestingHarness.create('/no/such/page');

    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe('Page not found');
    expect(TestBed.inject(Title).getTitle()).toBe('Page not found · CipherNest');
  });

  it.each([
    ['/create', 'Create a room'],
    ['/login', 'Join a room'],
    ['/chat', 'Chat'],
  ])('names the feature on the placeholder page at %s', async (url, feature) => {
    const harness = await RouterTestingHarness.create(url);

    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe(feature);
  });
});
