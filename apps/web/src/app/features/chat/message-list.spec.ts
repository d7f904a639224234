import { type ComponentFixture, TestBed } from '@angular/core/testing';

import type { ChatEntry, MessageEntry } from './chat-entry';
import { MessageList } from './message-list';

const XSS = '<img src=x onerror=alert(1)>';

function message(changes: Partial<MessageEntry> = {}): MessageEntry {
  return { type: 'message', id: 'alice-message-0001', from: 'Alice', own: false, delivery: 'received', ts: 1_767_225_600_000, content: { kind: 'text', text: 'Hello' }, ...changes };
}

describe('MessageList', () => {
  let fixture: ComponentFixture<MessageList>;
  let element: HTMLElement;

  async function render(entries: ChatEntry[], canRetry = true): Promise<void> {
    fixture.componentRef.setInput('entries', entries);
    fixture.componentRef.setInput('canRetry', canRetry);
    await fixture.whenStable();
  }

  beforeEach(() => {
    fixture = TestBed.createComponent(MessageList);
    element = fixture.nativeElement as HTMLElement;
  });

  const items = () => Array.from(element.querySelectorAll('li'));

  it('is a polite log named "Messages"', async () => {
    await render([]);

    const log = element.querySelector('[role="log"]');
    // Named by title, not aria-label: Playwright's getByLabel('Message') would otherwise also match the log.
    expect(log?.getAttribute('title')).toBe('Messages');
    expect(log?.getAttribute('aria-live')).toBe('polite');
  });

  it('shows others’ messages with sender, time and text', async () => {
    await render([message()]);

    expect(items()[0].querySelector('.from')?.textContent).toBe('Alice');
    expect(items()[0].querySelector('time')?.getAttribute('datetime')).toBe('2026-01-01T00:00:00.000Z');
    expect(items()[0].querySelector('app-message-text')?.textContent).toBe('Hello');
  });

  it('renders markup in a message as text only', async () => {
    await render([message({ from: XSS, content: { kind: 'text', text: XSS } })]);

    expect(element.querySelector('img')).toBeNull();
    expect(items()[0].querySelector('app-message-text')?.textContent).toBe(XSS);
    expect(items()[0].querySelector('.from')?.textContent).toBe(XSS);
  });

  it('links only http(s) URLs, opening them without referrer or opener', async () => {
    await render([message({ content: { kind: 'text', text: 'see https://example.org/a?b=1, not javascript:alert(1)' } })]);

    const links = Array.from(element.querySelectorAll('a'));
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['https://example.org/a?b=1']);
    expect(links[0].rel).toBe('noopener noreferrer');
    expect(links[0].target).toBe('_blank');
    expect(items()[0].querySelector('app-message-text')?.textContent).toBe('see https://example.org/a?b=1, not javascript:alert(1)');
  });

  /** What the status says, without the names it shows on hover and focus. */
  const delivery = () => {
    const line = items()[0].querySelector('.delivery')?.cloneNode(true) as HTMLElement | undefined;
    line?.querySelector('.reach-names')?.remove();
    return line?.textContent?.replace(/\s+/g, ' ').trim();
  };
  const names = () => items()[0].querySelector('.reach-names');

  it('shows an own message as sending, then sent, then delivered', async () => {
    await render([message({ own: true, from: 'Bob', delivery: 'pending', ts: undefined })]);
    expect(items()[0].querySelector('.from')?.textContent).toBe('You');
    expect(delivery()).toBe('Sending…');
    expect(items()[0].querySelector('time')).toBeNull();

    await render([message({ own: true, from: 'Bob', delivery: 'sent', seq: 4, reach: { delivered: [], waiting: ['Alice'] } })]);
    expect(delivery()).toBe('Sent');
    expect(items()[0].querySelector('time')).not.toBeNull();

    await render([message({ own: true, from: 'Bob', delivery: 'delivered', seq: 4, reach: { delivered: ['Alice'], waiting: [] } })]);
    expect(delivery()).toBe('Delivered');
    expect(names()).toBeNull();
  });

  it('says "Sent" for a message sent while alone in the room', async () => {
    await render([message({ own: true, delivery: 'sent', seq: 1, reach: { delivered: [], waiting: [] } })]);

    expect(delivery()).toBe('Sent');
  });

  it('in a larger room, says how many have it, with their names on hover and focus', async () => {
    await render([message({ own: true, delivery: 'sent', seq: 4, reach: { delivered: ['Alice', 'Carol'], waiting: ['Dan'] } })]);

    expect(delivery()).toBe('Delivered to 2 of 3');
    const reach = items()[0].querySelector('.reach') as HTMLElement;
    expect(names()?.textContent).toBe('Delivered to Alice and Carol. Not yet to Dan.');
    expect(reach.tabIndex).toBe(0);
    // Read as the status's description, and kept out of the live log, where showing it would be announced.
    expect(reach.getAttribute('aria-describedby')).toBe(names()?.id);
    expect(names()?.getAttribute('aria-hidden')).toBe('true');

    await render([message({ own: true, delivery: 'delivered', seq: 4, reach: { delivered: ['Alice', 'Carol', 'Dan'], waiting: [] } })]);
    expect(delivery()).toBe('Delivered');
    expect(names()?.textContent).toBe('Delivered to Alice, Carol and Dan.');
  });

  it('lets Escape dismiss the names until focus leaves the status', async () => {
    await render([message({ own: true, delivery: 'sent', seq: 4, reach: { delivered: ['Alice'], waiting: ['Dan'] } })]);
    const reach = items()[0].querySelector('.reach') as HTMLElement;
    const hint = () => items()[0].querySelector('.reach-hint') as HTMLElement;

    reach.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await fixture.whenStable();
    expect(hint().classList).toContain('dismissed');

    reach.dispatchEvent(new FocusEvent('blur'));
    await fixture.whenStable();
    expect(hint().classList).not.toContain('dismissed');
  });

  it('shows why an own message was not sent, with Send again and Copy buttons', async () => {
    const retried: string[] = [];
    const copied: string[] = [];
    fixture.componentInstance.retry.subscribe((id) => retried.push(id));
    fixture.componentInstance.copyText.subscribe((id) => copied.push(id));
    await render([message({ own: true, from: 'Bob', delivery: 'failed', ts: undefined, error: 'Too many messages.' })]);

    expect(items()[0].querySelector('.error')?.textContent).toBe('Not sent. Too many messages.');
    const buttons = Array.from(items()[0].querySelectorAll('button'));
    expect(buttons.map((button) => button.textContent?.trim())).toEqual(['Send again', 'Copy']);
    buttons[0].click();
    buttons[1].click();
    expect(retried).toEqual(['alice-message-0001']);
    expect(copied).toEqual(['alice-message-0001']);
  });

  it('offers only Copy once the session has ended', async () => {
    await render([message({ own: true, delivery: 'failed', error: 'This session has ended.' })], false);

    expect(Array.from(element.querySelectorAll('button'), (button) => button.textContent?.trim())).toEqual(['Copy']);
  });

  it('offers no Copy for an image that was not sent', async () => {
    await render([message({ own: true, delivery: 'failed', error: 'x', content: { kind: 'image', url: 'blob:test/1', mime: 'image/png' } })]);

    expect(Array.from(items()[0].querySelectorAll('.delivery button'), (button) => button.textContent?.trim())).toEqual(['Send again']);
  });

  it('shows a placeholder for a message held until its sender\'s keys come', async () => {
    await render([message({ content: { kind: 'held' } })]);

    expect(items()[0].textContent).toContain("Waiting for Alice's keys to show this message…");
  });

  it('shows system lines', async () => {
    await render([{ type: 'system', id: 'system-1', text: 'Carol joined', at: 0 }]);

    expect(items()[0].classList).toContain('system');
    expect(items()[0].querySelector('span')?.textContent).toBe('Carol joined');
  });

  describe('images', () => {
    const picture = message({ id: 'alice-picture-0001', content: { kind: 'image', url: 'blob:test/1', mime: 'image/png', width: 800, height: 600 } });

    it('shows an image inline from its object URL', async () => {
      await render([picture]);

      const img = element.querySelector('li img') as HTMLImageElement;
      expect(img.getAttribute('src')).toBe('blob:test/1');
      expect(img.alt).toBe('Image from Alice, open full size');
      expect(img.getAttribute('width')).toBe('800');
    });

    it('opens full size in a dialog; Escape closes it and focus returns', async () => {
      await render([picture]);
      const thumb = element.querySelector('li button.thumb') as HTMLButtonElement;
      thumb.focus();
      thumb.click();
      await fixture.whenStable();

      const dialog = element.querySelector('dialog') as HTMLDialogElement;
      expect(dialog.hasAttribute('open')).toBe(true);
      expect(dialog.getAttribute('aria-label')).toBe('Image from Alice');
      expect(dialog.querySelector('img')?.getAttribute('src')).toBe('blob:test/1');
      expect(document.activeElement?.textContent?.trim()).toBe('Close');

      dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
      await fixture.whenStable();

      expect(dialog.hasAttribute('open')).toBe(false);
      expect(dialog.querySelector('img')).toBeNull();
      expect(document.activeElement).toBe(thumb);
    });

    it('closes with the Close button too', async () => {
      await render([picture]);
      (element.querySelector('li button.thumb') as HTMLButtonElement).click();
      await fixture.whenStable();
      (element.querySelector('dialog button') as HTMLButtonElement).click();
      await fixture.whenStable();

      expect(element.querySelector('dialog')?.hasAttribute('open')).toBe(false);
    });
  });
});
