import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import type { ReplyTarget } from './chat-actions';
import { COMPOSER_FIELD_ID, ReplyBanner } from './reply-banner';
import { byButton, textOf } from '../../shared/testing/dom-queries';

@Component({
  imports: [ReplyBanner],
  template: `<app-reply-banner [target]="target()" (cancelled)="cancels = cancels + 1" /><textarea id="${COMPOSER_FIELD_ID}"></textarea
    ><button type="button" id="elsewhere">elsewhere</button>`,
})
class Host {
  readonly target = signal<ReplyTarget | undefined>(undefined);
  cancels = 0;
}

describe('ReplyBanner', () => {
  it('says what is being replied to, puts focus in the message field once per new target, and cancels', async () => {
    const fixture = TestBed.createComponent(Host);
    const element = fixture.nativeElement as HTMLElement;
    document.body.appendChild(element);
    await fixture.whenStable();
    expect(textOf(element.querySelector('app-reply-banner'))).toBe('');

    fixture.componentInstance.target.set({ id: 'alice-message-0001', from: 'Alice', excerpt: 'Lunch at noon?' });
    await fixture.whenStable();
    expect(textOf(element.querySelector('.quote'))).toBe('Replying to Alice: Lunch at noon?');
    expect(document.activeElement?.id).toBe(COMPOSER_FIELD_ID);

    // The same target again (the list changed around it) leaves the focus where the person put it.
    element.querySelector<HTMLButtonElement>('#elsewhere')?.focus();
    fixture.componentInstance.target.set({ id: 'alice-message-0001', from: 'Alice', excerpt: 'Lunch at noon?' });
    await fixture.whenStable();
    expect(document.activeElement?.id).toBe('elsewhere');

    byButton(element, 'Cancel reply').click();
    expect(fixture.componentInstance.cancels).toBe(1);
    expect(document.activeElement?.id).toBe(COMPOSER_FIELD_ID);
    element.remove();
  });
});
