import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter, Router, type Routes, withComponentInputBinding } from '@angular/router';
import { App } from './app';
import { appRoutes } from './app-routes';
import { ApiClient } from './core/api/api-client';
import { CryptoService } from './core/crypto/crypto.service';
import { SessionStore } from './core/session/session-store';
import { findLink, textOf } from './shared/testing/dom-queries';

@Component({ template: '<h1>Chat stand-in</h1>' })
class ChatStandIn {}

// The chat page opens a real connection; the shell only needs its route and layout.
const routes: Routes = appRoutes.map((route) =>
  route.path === 'chat' ? { ...route, loadComponent: undefined, component: ChatStandIn } : route,
);

const DIGEST = 'ab'.repeat(32);

describe('App', () => {
  let fixture: ComponentFixture<App>;
  let element: HTMLElement;
  let router: Router;

  async function render(digest: string | null = DIGEST): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideRouter(routes, withComponentInputBinding()),
        { provide: ApiClient, useValue: { buildInfo: async () => (digest === null ? undefined : { digest }), listRooms: async () => undefined, lookupKdf: jest.fn() } },
        { provide: CryptoService, useValue: {} },
        { provide: SessionStore, useValue: { restore: async () => undefined } },
      ],
    });
    fixture = TestBed.createComponent(App);
    element = fixture.nativeElement as HTMLElement;
    document.body.appendChild(element);
    router = TestBed.inject(Router);
    await navigate('/');
  }

  async function navigate(url: string): Promise<void> {
    await router.navigateByUrl(url);
    await fixture.whenStable();
  }

  afterEach(() => element.remove());

  it('has a header with the product name linking home, a main landmark and a footer', async () => {
    await render();

    const brand = element.querySelector('header a.brand');
    expect(textOf(brand)).toBe('CipherNest');
    expect(brand?.getAttribute('href')).toBe('/');
    expect(element.querySelectorAll('main')).toHaveLength(1);
    expect(element.querySelector('main h1')?.textContent).toBe('CipherNest');
    expect(element.querySelector('footer')).not.toBeNull();
  });

  it('moves focus to the main landmark from the skip link', async () => {
    await render();

    const skip = findLink(element, 'Skip to content');
    expect(element.firstElementChild).toBe(skip);
    skip?.click();

    expect(document.activeElement).toBe(element.querySelector('main'));
    expect(router.url).toBe('/');
  });

  it('shows the build digest in the footer', async () => {
    await render();

    const digest = element.querySelector('footer .digest');
    expect(textOf(digest)).toBe(`Build digest: ${DIGEST}`);
    expect(digest?.querySelector('code')?.textContent).toBe(DIGEST);
  });

  it('shows no digest when the server publishes none', async () => {
    await render(null);

    expect(element.querySelector('footer .digest')).toBeNull();
  });

  it.each([
    ['/', 'CipherNest', 'CipherNest'],
    ['/about', 'How it works', 'How it works · CipherNest'],
    ['/create', 'Create a room', 'Create a room · CipherNest'],
    ['/login', 'Join a room', 'Join a room · CipherNest'],
    ['/chat', 'Chat stand-in', 'Chat · CipherNest'],
    ['/no/such/page', 'Page not found', 'Page not found · CipherNest'],
  ])('shows %s with its heading and title', async (url, heading, title) => {
    await render();
    await navigate(url);

    expect(element.querySelector('main h1')?.textContent).toBe(heading);
    expect(TestBed.inject(Title).getTitle()).toBe(title);
  });

  it('opens the join page from the header and marks the link as current', async () => {
    await render();

    findLink(element, 'Join')?.click();
    await fixture.whenStable();

    expect(router.url).toBe('/login');
    expect(findLink(element, 'Join')?.getAttribute('aria-current')).toBe('page');
    expect(findLink(element, 'Create')?.getAttribute('aria-current')).toBeNull();
  });

  it('gives the chat the full width and no footer', async () => {
    await render();
    await navigate('/chat');

    expect(element.querySelector('main')?.classList).toContain('wide');
    expect(element.querySelector('footer')).toBeNull();

    await navigate('/');
    expect(element.querySelector('main')?.classList).not.toContain('wide');
    expect(element.querySelector('footer')).not.toBeNull();
  });

  it('starts focus at the new page after an in-app navigation', async () => {
    await render();
    (document.activeElement as HTMLElement | null)?.blur();

    await navigate('/about');

    expect(document.activeElement).toBe(element.querySelector('main'));
  });
});
