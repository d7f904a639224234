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
    expect(text).toContain('keys of its own');
    expect(text).toContain('the password itself is never sent anywhere');
  });

  it('has the full table of who can see what', () => {
    const rows = Array.from(element.querySelectorAll('tbody tr'), (row) => textOf(row.querySelector('th')));
    expect(rows).toEqual([
      'Members of a room',
      'The server and its admin',
      'Someone on the network',
      'Someone who recorded the traffic and learns the password later',
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
      'Who is in the room is what the server says.',
      'A weak password can be guessed.',
      'Delete for everyone cannot unsay.',
      'The server sees who talks when.',
    ]);
    expect(textOf(element.querySelector('.limits'))).toContain('build digest');
  });

  it('says that replies, reactions and deletes are sealed and signed like messages, and a delete is honoured only from the sender', () => {
    const section = textOf(element.querySelector('section[aria-labelledby="messages"]'));
    expect(section).toContain('honour a delete only when it is signed by the person who sent the message');
    expect(section).toContain('"Mentions only"');
  });

  it('explains safety numbers, Verify and Mark as verified, and that they replace the fingerprint, which gave guesses away', () => {
    const section = textOf(element.querySelector('section[aria-labelledby="safety-numbers"]'));
    expect(section).toContain('60 digits, the same as 18 words, and as 34 emoji');
    expect(section).toContain('Mark as verified');
    expect(section).toContain("'s key changed");
    expect(section).toContain('Safety numbers replace the room\'s key fingerprint of earlier versions');
    expect(section).toContain('whoever heard it could test password guesses');
  });

  it('says what a later password and a recording cannot open, and what a member who left cannot read', () => {
    const text = textOf(element);
    expect(text).toContain('whoever learns the password later, even with a recording of everything sent, reads nothing');
    expect(text).toContain('a member who left reads nothing said after');
    expect(text).toContain('failed its signature check');
  });

  it('says that nothing the tab left on disk opens once the session has ended', () => {
    expect(textOf(element)).toContain('nothing this tab left on disk can be opened');
  });

  it('says what a reload keeps, and that the conversation too reaches the disk only sealed', () => {
    expect(textOf(element)).toContain('a reload keeps you in the room with the conversation so far');
    expect(textOf(element)).toContain('writes the keys and the conversation to disk only sealed');
  });

  it('explains the invite link and QR code, and to send the password another way', () => {
    const section = element.querySelector('section[aria-labelledby="inviting"]');
    expect(section?.querySelector('h2')?.textContent).toBe('Inviting people');
    expect(textOf(section)).toContain('The link holds nothing else: not the password, not your session.');
    expect(textOf(section)).toContain('never together with the link');
  });

  it('says why usernames are not checked while typing: it would tell who is in a room', () => {
    expect(textOf(element)).toContain("a page that answered that would tell anyone who knows a room's name who is in it");
  });

  it('moves focus to a section from the table of contents', () => {
    const link = findLink(element, 'Known limits');
    expect(link).toBeDefined();

    link?.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));

    expect(document.activeElement?.id).toBe('limits');
  });
});
