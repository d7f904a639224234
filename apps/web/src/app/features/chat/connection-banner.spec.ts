import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { endReasonText } from '../../core/errors/error-text';
import type { ConnectionState, EndReason } from '../../core/realtime/chat-connection';
import { ConnectionBanner, GRACE_HINT_MS } from './connection-banner';

describe('ConnectionBanner', () => {
  let fixture: ComponentFixture<ConnectionBanner>;

  afterEach(() => jest.useRealTimers());

  async function render(state: ConnectionState, endReason?: EndReason, unsent = 0): Promise<HTMLElement> {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    fixture = TestBed.createComponent(ConnectionBanner);
    fixture.componentRef.setInput('state', state);
    fixture.componentRef.setInput('endReason', endReason);
    fixture.componentRef.setInput('roomName', 'Blue Room');
    fixture.componentRef.setInput('username', 'Bob');
    fixture.componentRef.setInput('unsent', unsent);
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

  it('says, while reconnecting, that what is written is sent when it is back', async () => {
    expect(text(await render('reconnecting'))).toBe('Connection lost. Reconnecting… Messages you write are sent when it is back.');
  });

  it('stops promising that once the grace may have run out, and says that what is written is kept', async () => {
    const element = await render('online');
    jest.useFakeTimers();
    fixture.componentRef.setInput('state', 'reconnecting');
    fixture.detectChanges();

    jest.advanceTimersByTime(GRACE_HINT_MS - 1);
    fixture.detectChanges();
    expect(text(element)).toContain('Messages you write are sent when it is back.');
    jest.advanceTimersByTime(1);
    fixture.detectChanges();
    expect(text(element)).toBe('Still reconnecting… If your session ends meanwhile, what you write stays here to be sent when you join again.');

    fixture.componentRef.setInput('state', 'online');
    fixture.detectChanges();
    fixture.componentRef.setInput('state', 'reconnecting');
    fixture.detectChanges();
    expect(text(element)).toContain('Messages you write are sent when it is back.');
  });

  it('says the session ended, why, in one sentence, and links back to the prefilled login', async () => {
    const element = await render('ended', 'replaced');

    expect(element.querySelector('p')?.textContent?.trim()).toBe(endReasonText('replaced'));
    const link = element.querySelector('a') as HTMLAnchorElement;
    expect(link.textContent?.trim()).toBe('Join again');
    expect(link.getAttribute('href')).toBe('/login?roomname=Blue%20Room&username=Bob');
  });

  it('says once that the session ended while offline, and how many messages wait to be sent', async () => {
    const element = await render('ended', 'SESSION_NOT_FOUND', 2);

    expect(text(element)).toBe('Your session ended while you were offline. 2 messages you wrote were not sent: join again to send them. Join again');
    expect(text(element)).not.toContain('This session has ended');
  });

  it('says so of a single message too', async () => {
    expect(text(await render('ended', 'SESSION_NOT_FOUND', 1))).toContain('A message you wrote was not sent: join again to send it.');
  });

  it('gives the reason for a refused reconnection', async () => {
    expect(text(await render('ended', 'IP_MISMATCH'))).toContain(endReasonText('IP_MISMATCH'));
  });
});
