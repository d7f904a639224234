import { TestBed } from '@angular/core/testing';
import type { Member } from '@ciphernest/protocol';

import type { E2eMember } from '@ciphernest/crypto';

import { MemberList } from './member-list';

describe('MemberList', () => {
  async function render(members: Member[], me = 'Bob', stale?: string, trust: E2eMember[] = []): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(MemberList);
    fixture.componentRef.setInput('members', members);
    fixture.componentRef.setInput('me', me);
    fixture.componentRef.setInput('stale', stale);
    fixture.componentRef.setInput('trust', trust);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  /** Each row's words, without the Verify buttons. */
  const rows = (element: HTMLElement) =>
    Array.from(element.querySelectorAll('li'), (li) => {
      const copy = li.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('button').forEach((button) => button.remove());
      return copy.textContent?.replace(/\s+/g, ' ').trim();
    });

  it('is a list named "Members"', async () => {
    const element = await render([]);

    expect(element.querySelector('ul')?.getAttribute('aria-label')).toBe('Members');
  });

  it('shows each member with status, marking the creator and ourselves', async () => {
    const element = await render([
      { name: 'Alice', status: 'online', creator: true },
      { name: 'Bob', status: 'online', creator: false },
      { name: 'Carol', status: 'away', creator: false },
    ]);

    expect(rows(element)).toEqual(['Alice creator online', 'Bob (you) online', 'Carol away']);
    expect(element.querySelectorAll('li.away')).toHaveLength(1);
    expect(element.querySelector('h2')?.textContent).toContain('(3)');
  });

  it('says in words what the end-to-end layer knows of each other member, with a Verify button named for it', async () => {
    const verified: string[] = [];
    const fixture = TestBed.createComponent(MemberList);
    fixture.componentRef.setInput('members', [
      { name: 'Alice', status: 'online', creator: true },
      { name: 'Bob', status: 'online', creator: false },
      { name: 'Carol', status: 'online', creator: false },
      { name: 'Dan', status: 'away', creator: false },
    ]);
    fixture.componentRef.setInput('me', 'Bob');
    fixture.componentRef.setInput('trust', [
      { name: 'Alice', keysKnown: true, verification: 'verified' },
      { name: 'Carol', keysKnown: true, verification: 'key-changed' },
      { name: 'Dan', keysKnown: false, verification: 'unverified' },
    ]);
    fixture.componentInstance.verify.subscribe((name) => verified.push(name));
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;

    expect(rows(element)).toEqual(['Alice creator online verified by you', 'Bob (you) online', 'Carol online key changed', 'Dan away not verified']);
    const buttons = Array.from(element.querySelectorAll('button'));
    expect(buttons.map((button) => button.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['Verify Alice', 'Verify Carol', 'Verify Dan']);
    expect(buttons.map((button) => button.querySelector('.visually-hidden')?.textContent?.trim())).toEqual(['Alice', 'Carol', 'Dan']);
    buttons[1].click();
    expect(verified).toEqual(['Carol']);
  });

  it('keeps each whole name in its title, for when the row cuts it short', async () => {
    const long = 'Wolfeschlegelsteinhausenbergerdo';
    const element = await render([
      { name: long, status: 'online', creator: false },
      { name: 'Bob', status: 'online', creator: false },
    ]);

    expect(Array.from(element.querySelectorAll('.name'), (name) => name.getAttribute('title'))).toEqual([long, 'Bob']);
    expect(element.querySelector('button.verify')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(`Verify ${long}`);
  });

  it('renders names as text', async () => {
    const element = await render([{ name: '<img src=x onerror=alert(1)>', status: 'online', creator: false }]);

    expect(element.querySelector('img')).toBeNull();
    expect(element.querySelector('.name')?.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('while not current, is greyed, says why, and shows no one as online or away', async () => {
    const element = await render(
      [
        { name: 'Alice', status: 'online', creator: true },
        { name: 'Bob', status: 'online', creator: false },
        { name: 'Carol', status: 'away', creator: false },
      ],
      'Bob',
      'Connection lost: this list is not current.',
    );

    expect(rows(element)).toEqual(['Alice creator', 'Bob (you)', 'Carol']);
    const list = element.querySelector('ul') as HTMLElement;
    expect(list.classList).toContain('stale');
    expect(document.getElementById(list.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Connection lost: this list is not current.');
    expect(element.textContent).not.toMatch(/\bonline\b|\baway\b/);
  });
});
