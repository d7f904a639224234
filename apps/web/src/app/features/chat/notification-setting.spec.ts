import { TestBed } from '@angular/core/testing';

import { NotificationSetting } from './notification-setting';
import { byLabel } from '../../shared/testing/dom-queries';

describe('NotificationSetting', () => {
  it('is a select named "Notify me" with Off, All messages and Mentions only, and says what is chosen', async () => {
    const fixture = TestBed.createComponent(NotificationSetting);
    const chosen: string[] = [];
    fixture.componentInstance.modeChange.subscribe((mode) => chosen.push(mode));
    fixture.componentRef.setInput('mode', 'all');
    await fixture.whenStable();

    const select = byLabel<HTMLSelectElement>(fixture.nativeElement as HTMLElement, 'Notify me');
    expect(Array.from(select.options).map((option) => [option.value, option.textContent])).toEqual([
      ['off', 'Off'],
      ['all', 'All messages'],
      ['mentions', 'Mentions only'],
    ]);
    expect(select.value).toBe('all');

    select.value = 'mentions';
    select.dispatchEvent(new Event('change'));
    expect(chosen).toEqual(['mentions']);
  });
});
