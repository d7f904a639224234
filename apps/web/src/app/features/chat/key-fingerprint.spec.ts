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

  it('says how to compare it', async () => {
    const element = await render('3f9a-07c1-b2e4-9d10-5a6b');

    expect(element.textContent).toContain('Compare it with the others by phone or in person; if it differs, you are not in the same room.');
  });
});
