import { TestBed } from '@angular/core/testing';

import { KeyFingerprint } from './key-fingerprint';

describe('KeyFingerprint', () => {
  async function render(fingerprint: string): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(KeyFingerprint);
    fixture.componentRef.setInput('fingerprint', fingerprint);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('has exactly the fingerprint as the text of the element named "Key fingerprint"', async () => {
    const element = await render('3f9a-07c1-b2e4-9d10-5a6b');

    const named = element.querySelectorAll('[aria-label="Key fingerprint"]');
    expect(named).toHaveLength(1);
    expect(named[0].textContent).toBe('3f9a-07c1-b2e4-9d10-5a6b');
    expect(named[0].getAttribute('role')).not.toBeNull();
  });

  it('says to compare it only among the members, and never to post or send it, because it lets anyone test password guesses', async () => {
    const element = await render('3f9a-07c1-b2e4-9d10-5a6b');
    const text = (element.textContent ?? '').replace(/\s+/g, ' ');

    expect(text).toContain("Compare it aloud with the room's members only, in person or on a call among you; if it differs, you are not in the same room.");
    expect(text).toContain('Never post it or send it anywhere: whoever learns it can test password guesses offline.');
    expect(text).not.toMatch(/messenger|by phone/i);
  });
});
