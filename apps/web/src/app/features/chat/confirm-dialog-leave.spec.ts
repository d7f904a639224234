import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { byButton } from '../../shared/testing/dom-queries';
import { ConfirmDialog } from './confirm-dialog';

@Component({
  imports: [ConfirmDialog],
  template: `<app-confirm-dialog
    [open]="open()"
    question="Leave and erase this conversation?"
    confirmLabel="Leave and erase"
    cancelLabel="Stay"
    (confirmed)="leaves = leaves + 1"
    (closed)="closes = closes + 1; open.set(false)"
  />`,
})
class Host {
  readonly open = signal(false);
  leaves = 0;
  closes = 0;
}

describe('ConfirmDialog asking before Leave chat', () => {
  let fixture: ComponentFixture<Host>;
  let element: HTMLElement;
  const dialog = () => element.querySelector('dialog') as HTMLDialogElement;

  beforeEach(async () => {
    fixture = TestBed.createComponent(Host);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  async function openIt(): Promise<void> {
    fixture.componentInstance.open.set(true);
    await fixture.whenStable();
  }

  it('stays shut until asked', () => {
    expect(dialog().hasAttribute('open')).toBe(false);
    expect(element.textContent?.trim()).toBe('');
  });

  it('asks "Leave and erase this conversation?" with Stay focused first', async () => {
    await openIt();

    expect(dialog().hasAttribute('open')).toBe(true);
    const title = element.querySelector('dialog h2');
    expect(title?.textContent).toBe('Leave and erase this conversation?');
    expect(dialog().getAttribute('aria-labelledby')).toBe(title?.id);
    expect(document.activeElement).toBe(byButton(element, 'Stay'));
  });

  it('Stay closes it and does not leave', async () => {
    await openIt();

    byButton(element, 'Stay').click();
    await fixture.whenStable();

    expect(dialog().hasAttribute('open')).toBe(false);
    expect([fixture.componentInstance.leaves, fixture.componentInstance.closes]).toEqual([0, 1]);
  });

  it('"Leave and erase" leaves, once, and closes', async () => {
    await openIt();

    byButton(element, 'Leave and erase').click();
    await fixture.whenStable();

    expect(dialog().hasAttribute('open')).toBe(false);
    expect([fixture.componentInstance.leaves, fixture.componentInstance.closes]).toEqual([1, 1]);
  });
});
