import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { findLink, textOf } from '../../shared/testing/dom-queries';
import { AboutPage } from './about-page';

describe('AboutPage', () => {
  let fixture: ComponentFixture<AboutPage>;
  let element: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    fixture = TestBed.createComponent(AboutPage);
    element = fixture.nativeElement as HTMLElement;
    document.body.appendChild(element);
    await fixture.whenStable();
  });

  afterEach(() => element.remove());

  it('explains the key derivation in the browser', async () => {
    expect(element.querySelector('h1')?.textContent).toBe('How it works');
    const text = textOf(element);
    expect(text).toContain('Argon2id');
    expect(text).toContain('verifier');
    expect(text).toContain('key fingerprint');
    expect(text).toContain('the password itself is never sent anywhere');
  });

  it('has the full table of who can see what', () => {
    const rows = Array.from(element.querySelectorAll('tbody tr'), (row) => textOf(row.querySelector('th')));
    expect(rows).toEqual([
      'Members of a room',
      'The server and its admin',
      'Someone on the network',
      "Someone who reads your device's disk after your session ended",
      "Someone who steals the server's memory",
    ]);
    expect(Array.from(element.querySelectorAll('thead th'), (cell) => cell.getAttribute('scope'))).toEqual(['col', 'col', 'col']);
  });

  it('states the known limits', () => {
    const limits = Array.from(element.querySelectorAll('.limits strong'), (item) => textOf(item));
    expect(limits).toEqual([
      'Members can read everything while they are present.',
      'The server serves the app.',
      'Keep the key fingerprint inside the room.',
      'A weak password can be guessed.',
      'The server sees who talks when.',
    ]);
    expect(textOf(element.querySelector('.limits'))).toContain('build digest');
  });

  it('says the fingerprint must not be shared outside the room, and why (issue 11, finding 9)', () => {
    const item = Array.from(element.querySelectorAll('.limits li'), (entry) => textOf(entry)).find((text) => text.includes('fingerprint'));
    expect(item).toBeDefined();
    expect(item).toContain("Compare it only with the room's members: read it aloud among yourselves");
    expect(item).toContain('Never post it, paste it into another messenger or send it anywhere else');
    expect(item).toContain('anyone who hears or reads it can test password guesses offline');
    expect(textOf(element)).not.toMatch(/by phone|over another messenger/);
  });

  it('says that nothing the tab left on disk opens once the session has ended', () => {
    expect(textOf(element)).toContain('nothing this tab left on disk can be opened');
  });

  it('says what a reload keeps, and that the conversation too reaches the disk only sealed', () => {
    expect(textOf(element)).toContain('a reload keeps you in the room with the conversation so far');
    expect(textOf(element)).toContain('writes the key and the conversation to disk only sealed');
  });

  it('moves focus to a section from the table of contents', () => {
    const link = findLink(element, 'Known limits');
    expect(link).toBeDefined();

    link?.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));

    expect(document.activeElement?.id).toBe('limits');
  });
});
