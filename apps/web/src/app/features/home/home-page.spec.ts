import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { HomePage } from './home-page';

describe('HomePage', () => {
  async function render(): Promise<HTMLElement> {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(HomePage);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows the heading', async () => {
    const element = await render();

    expect(element.querySelector('h1')?.textContent).toBe('CipherNest');
  });

  it('says that the server relays only ciphertext', async () => {
    const element = await render();

    expect(element.querySelector('.lead')?.textContent).toContain('end-to-end encrypted');
    expect(element.querySelector('.lead')?.textContent).toContain('relays only ciphertext');
  });

  it('links to creating and joining a room', async () => {
    const element = await render();

    const links = Array.from(element.querySelectorAll('a'), (a) => a.getAttribute('href'));
    expect(links).toEqual(['/create', '/login']);
  });
});
