import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { ApiClient } from '../../core/api/api-client';
import { CryptoService } from '../../core/crypto/crypto.service';
import { E2eService } from '../../core/crypto/e2e.service';
import { ChatConnection } from '../../core/realtime/chat-connection';
import { SessionStore } from '../../core/session/session-store';
import { CHAT_PROVIDERS } from './active-chat';
import { COMPACT_ROOM_QUERY, ChatPage } from './chat-page';
import { ImagePrep } from './image-prep';
import { provideChat } from './provide-chat';
import { FakeApiClient, FakeChatConnection, FakeCryptoService, FakeImagePrep, FakeSessionStore, ROOM, VAULT } from './testing/chat-fakes';
import { FakeE2eService } from './testing/fake-e2e-layer';

@Component({ template: '' })
class Elsewhere {}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The page's media query, answered by the spec: narrow until it says otherwise. */
class Screen extends EventTarget {
  matches = true;

  widen(): void {
    this.matches = false;
    this.dispatchEvent(Object.assign(new Event('change'), { matches: false, media: COMPACT_ROOM_QUERY }));
  }
}

describe('ChatPage on a narrow screen', () => {
  let connection: FakeChatConnection;
  let screen: Screen;

  beforeEach(() => {
    connection = new FakeChatConnection();
    screen = new Screen();
    Object.defineProperty(window, 'matchMedia', {
      configurable: true,
      value: (query: string) => (query === COMPACT_ROOM_QUERY ? screen : { matches: false, addEventListener: () => undefined, removeEventListener: () => undefined }),
    });
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'chat', component: ChatPage },
          { path: '**', component: Elsewhere },
        ]),
        { provide: CryptoService, useValue: new FakeCryptoService() },
        { provide: E2eService, useValue: new FakeE2eService() },
        { provide: SessionStore, useValue: new FakeSessionStore() },
        { provide: ApiClient, useValue: new FakeApiClient() },
        { provide: ImagePrep, useValue: new FakeImagePrep() },
        { provide: CHAT_PROVIDERS, useValue: [...provideChat(), { provide: ChatConnection, useValue: connection }] },
      ],
    });
  });

  afterEach(() => Reflect.deleteProperty(window, 'matchMedia'));

  async function openPresent(): Promise<{ harness: RouterTestingHarness; element: HTMLElement }> {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/chat');
    await settle();
    connection.presence$.next({
      room: ROOM,
      members: [
        { name: 'Alice', status: 'online', creator: true },
        { name: 'Bob', status: 'online', creator: false },
      ],
      vault: VAULT,
    });
    await settle();
    await harness.fixture.whenStable();
    return { harness, element: harness.routeNativeElement as HTMLElement };
  }

  const byName = (element: HTMLElement, name: string) => element.querySelector(`button[aria-label="${name}"]`) as HTMLButtonElement | null;
  const drawer = (element: HTMLElement) => element.querySelector('dialog[aria-label="Members"]') as HTMLDialogElement;

  it('keeps the members in a drawer that "Members" (with their count) opens, and gives focus back when it closes', async () => {
    const { harness, element } = await openPresent();
    const members = byName(element, 'Members') as HTMLButtonElement;

    expect(members.textContent?.replace(/\s+/g, ' ').trim()).toBe('Members 2');
    expect(element.querySelectorAll('ul[aria-label="Members"]')).toHaveLength(1);
    expect(drawer(element).contains(element.querySelector('ul[aria-label="Members"]'))).toBe(true);
    expect(drawer(element).hasAttribute('open')).toBe(false);

    members.click();
    await harness.fixture.whenStable();
    expect(drawer(element).hasAttribute('open')).toBe(true);

    (drawer(element).querySelector('button.close') as HTMLButtonElement).click();
    await harness.fixture.whenStable();
    expect(drawer(element).hasAttribute('open')).toBe(false);
    expect(document.activeElement).toBe(members);
  });

  it('shows the end-to-end note and the room actions only when their buttons ask', async () => {
    const { harness, element } = await openPresent();
    const state = Array.from(element.querySelectorAll('button')).find((button) => button.textContent?.trim() === 'End-to-end encrypted') as HTMLButtonElement;
    const actions = byName(element, 'Room actions') as HTMLButtonElement;

    expect(state.getAttribute('aria-expanded')).toBe('false');
    expect(element.querySelector('.e2e-note')).toBeNull();
    expect(actions.getAttribute('aria-expanded')).toBe('false');
    expect(element.querySelector('#room-actions')?.classList.contains('shown')).toBe(false);

    state.click();
    actions.click();
    await harness.fixture.whenStable();

    expect(state.getAttribute('aria-expanded')).toBe('true');
    expect(element.querySelector('.e2e-note')?.textContent).toContain('End-to-end encrypted.');
    expect(actions.getAttribute('aria-expanded')).toBe('true');
    expect(element.querySelector('#room-actions')?.classList.contains('shown')).toBe(true);
  });

  it('on a wider screen puts the members back beside the conversation, without the drawer or its button', async () => {
    const { harness, element } = await openPresent();
    byName(element, 'Members')?.click();
    await harness.fixture.whenStable();

    screen.widen();
    await harness.fixture.whenStable();

    expect(byName(element, 'Members')).toBeNull();
    expect(element.querySelector('dialog[aria-label="Members"]')).toBeNull();
    expect(element.querySelector('.room-body ul[aria-label="Members"]')).not.toBeNull();
    expect(element.querySelector('.e2e-note')?.textContent).toContain('End-to-end encrypted.');
  });
});
