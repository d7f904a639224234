import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ApiClient } from '../../core/api/api-client';
import { findLink, textOf } from '../../shared/testing/dom-queries';
import { HomePage } from './home-page';

describe('HomePage', () => {
  async function render(): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), { provide: ApiClient, useValue: { listRooms: jest.fn(async () => undefined) } }],
    });
    const fixture = TestBed.createComponent(HomePage);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('says what CipherNest is', async () => {
    const element = await render();

    expect(element.querySelector('h1')?.textContent).toBe('CipherNest');
    expect(textOf(element.querySelector('.lead'))).toContain('end-to-end encrypted');
    expect(textOf(element.querySelector('.lead'))).toContain('relays only ciphertext');
  });

  it('links to creating and joining a room, and to how it works', async () => {
    const element = await render();

    expect(findLink(element, 'Create a room')?.getAttribute('href')).toBe('/create');
    expect(findLink(element, 'Join a room')?.getAttribute('href')).toBe('/login');
    expect(findLink(element, 'How it works')?.getAttribute('href')).toBe('/about');
  });

  it('says who can and cannot see what', async () => {
    const element = await render();

    const parties = Array.from(element.querySelectorAll('.parties li'), (item) => textOf(item.querySelector('h3')));
    expect(parties).toEqual(['Members of a room', 'The server and its admin', 'Someone on the network']);
    expect(textOf(element.querySelector('.parties'))).toContain('Cannot see the password, the key, or any message, image or file.');
  });

  it('names the limits and the build digest', async () => {
    const element = await render();

    expect(textOf(element)).toContain('Anyone who knows the room\'s password can join and read along');
    expect(textOf(element)).toContain('compare your safety numbers');
  });

  it('shows no room directory when the server keeps it off', async () => {
    const element = await render();

    expect(element.querySelector('app-open-rooms')?.children).toHaveLength(0);
  });
});
