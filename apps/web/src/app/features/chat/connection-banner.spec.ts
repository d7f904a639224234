import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { endReasonText } from '../../core/errors/error-text';
import type { ConnectionState, EndReason } from '../../core/realtime/chat-connection';
import { ConnectionBanner } from './connection-banner';

describe('ConnectionBanner', () => {
  async function render(state: ConnectionState, endReason?: EndReason): Promise<HTMLElement> {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(ConnectionBanner);
    fixture.componentRef.setInput('state', state);
    fixture.componentRef.setInput('endReason', endReason);
    fixture.componentRef.setInput('roomName', 'Blue Room');
    fixture.componentRef.setInput('username', 'Bob');
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const text = (element: HTMLElement) => element.querySelector('[role="status"]')?.textContent?.replace(/\s+/g, ' ').trim();

  it('says nothing while online', async () => {
    expect(text(await render('online'))).toBe('');
  });

  it('says when it is connecting', async () => {
    expect(text(await render('connecting'))).toBe('Connecting…');
  });

  it('says when it is reconnecting', async () => {
    expect(text(await render('reconnecting'))).toContain('Reconnecting…');
  });

  it('says the session ended, why, and links back to the prefilled login', async () => {
    const element = await render('ended', 'replaced');

    expect(element.querySelector('p')?.textContent).toBe(`Your session has ended. ${endReasonText('replaced')}`);
    const link = element.querySelector('a') as HTMLAnchorElement;
    expect(link.textContent?.trim()).toBe('Join again');
    expect(link.getAttribute('href')).toBe('/login?roomname=Blue%20Room&username=Bob');
  });

  it('gives the reason for a refused reconnection', async () => {
    expect(text(await render('ended', 'IP_MISMATCH'))).toContain(endReasonText('IP_MISMATCH'));
  });
});
