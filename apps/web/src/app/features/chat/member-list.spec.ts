import { TestBed } from '@angular/core/testing';
import type { Member } from '@ciphernest/protocol';

import { MemberList } from './member-list';

describe('MemberList', () => {
  async function render(members: Member[], me = 'Bob', stale?: string): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(MemberList);
    fixture.componentRef.setInput('members', members);
    fixture.componentRef.setInput('me', me);
    fixture.componentRef.setInput('stale', stale);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const rows = (element: HTMLElement) =>
    Array.from(element.querySelectorAll('li'), (li) => li.textContent?.replace(/\s+/g, ' ').trim());

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
