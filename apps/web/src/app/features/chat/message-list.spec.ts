import { type ComponentFixture, TestBed } from '@angular/core/testing';

import type { ChatEntry, MessageEntry } from './chat-entry';
import { MessageList } from './message-list';
import { DownloadRecorder } from './testing/download-recorder';

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

  /** The messages' items (the list also has day separators and system lines). */
  const items = () => Array.from(element.querySelectorAll('li.message'));

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

    const line = element.querySelector('li.system');
    expect(line?.querySelector('span')?.textContent).toBe('Carol joined');
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
      const close = Array.from(element.querySelectorAll('dialog button')).find((button) => button.textContent?.trim() === 'Close') as HTMLButtonElement;
      close.click();
      await fixture.whenStable();

      expect(element.querySelector('dialog')?.hasAttribute('open')).toBe(false);
    });

    describe('Save image', () => {
      let recorder: DownloadRecorder;
      beforeEach(() => (recorder = new DownloadRecorder()));
      afterEach(() => recorder.restore());

      async function saveFromViewer(entry: MessageEntry): Promise<void> {
        await render([entry]);
        (element.querySelector('li button.thumb') as HTMLButtonElement).click();
        await fixture.whenStable();
        const save = Array.from(element.querySelectorAll('dialog button')).find((button) => button.textContent?.trim() === 'Save image') as HTMLButtonElement;
        save.click();
      }

      it('downloads the image shown, named after its time and type when its sender gave no name', async () => {
        await saveFromViewer(picture);

        const at = new Date(picture.ts!);
        const stamp = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}-${String(at.getHours()).padStart(2, '0')}${String(at.getMinutes()).padStart(2, '0')}00`;
        expect(recorder.downloads).toEqual([expect.objectContaining({ href: 'blob:test/1', download: `image-${stamp}.png`, attached: true })]);
        expect(element.querySelector('dialog')?.hasAttribute('open')).toBe(true);
      });

      it('offers the name its sender gave', async () => {
        await saveFromViewer(message({ id: 'alice-picture-0002', content: { kind: 'image', url: 'blob:test/2', mime: 'image/gif', name: 'dancing cat.gif' } }));

        expect(recorder.downloads).toEqual([expect.objectContaining({ href: 'blob:test/2', download: 'dancing cat.gif' })]);
      });
    });
  });

  describe('files', () => {
    const blob = new Blob(['%PDF-1.4'], { type: 'application/octet-stream' });
    const file = message({ id: 'alice-file-000001', content: { kind: 'file', name: 'minutes.pdf', mime: 'application/pdf', size: 1_234_567, blob } });

    it('shows a file as a card with its name, type, size and a Download button, never as an image or a link', async () => {
      await render([file]);

      const card = items()[0].querySelector('app-file-card') as HTMLElement;
      expect(card.querySelector('.name .visually-hidden')?.textContent).toBe('minutes.pdf');
      expect(card.querySelector('.type')?.textContent).toBe('PDF document · 1.2 MB');
      expect(card.querySelector('button')?.getAttribute('aria-label')).toBe('Download minutes.pdf');
      expect(items()[0].querySelector('img, a, iframe, object, embed')).toBeNull();
    });

    it('shows a file whose bytes were not kept across a reload, with nothing to download', async () => {
      await render([message({ content: { kind: 'file-not-kept', name: 'minutes.pdf', mime: 'application/pdf', size: 10 } })]);

      expect(items()[0].querySelector('app-file-card .not-kept')?.textContent).toBe('Not kept across the reload.');
      expect(items()[0].querySelector('app-file-card button')).toBeNull();
    });

    it('offers Send again, and no Copy, for a file that was not sent', async () => {
      await render([message({ ...file, own: true, delivery: 'failed', error: 'x' })]);

      expect(Array.from(items()[0].querySelectorAll('.delivery button'), (button) => button.textContent?.trim())).toEqual(['Send again']);
    });
  });

  describe('a busy room', () => {
    const now = Date.now();
    let ids = 0;
    const said = (from: string, ts: number | undefined = now, changes: Partial<MessageEntry> = {}) => {
      ids += 1;
      const own = from === 'You';
      return message({ id: `message-${ids}`, from, own, delivery: own ? 'delivered' : 'received', ts, content: { kind: 'text', text: `said ${ids}` }, ...changes });
    };
    const rowTexts = () => Array.from(element.querySelectorAll('ol > li'), (li) => (li.classList.contains('separator') ? `[${li.textContent?.trim()}]` : (li.querySelector('app-message-text')?.textContent ?? li.textContent?.trim())));
    const log = () => element.querySelector('[role="log"]') as HTMLElement;
    const jump = () => Array.from(element.querySelectorAll('button')).find((button) => button.textContent?.startsWith('Jump to newest'));

    /** Makes the log 1,000 px of content in a 200 px box and puts its top at `top`, as a scroll would. */
    async function scrollTo(top: number): Promise<void> {
      Object.defineProperty(log(), 'scrollHeight', { configurable: true, value: 1_000 });
      Object.defineProperty(log(), 'clientHeight', { configurable: true, value: 200 });
      log().scrollTop = top;
      log().dispatchEvent(new Event('scroll'));
      await fixture.whenStable();
    }

    async function setHidden(hidden: boolean): Promise<void> {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event('visibilitychange'));
      await fixture.whenStable();
    }

    beforeEach(() => (ids = 0));
    afterEach(() => Reflect.deleteProperty(document, 'hidden'));

    it('separates the days: Yesterday, then Today', async () => {
      const yesterday = new Date(now);
      yesterday.setDate(yesterday.getDate() - 1);
      await render([said('Ada', yesterday.getTime()), said('Bob', now)]);

      expect(rowTexts()).toEqual(['[Yesterday]', 'said 1', '[Today]', 'said 2']);
      expect(element.querySelector('li.day time')?.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it('groups a run of one sender: later messages hide sender and time from view but keep them for screen readers', async () => {
      await render([said('Ada'), said('Ada'), said('Bob')]);

      expect(items().map((item) => item.classList.contains('continued'))).toEqual([false, true, false]);
      expect(items()[1].querySelector('.from')?.textContent).toBe('Ada');
      expect(items()[1].querySelector('time')).not.toBeNull();
    });

    it('shows the state of our latest acknowledged message only, and every one not sent', async () => {
      await render([said('You'), said('You', undefined, { delivery: 'failed', error: 'Too many messages.' }), said('You'), said('Ada')]);

      expect(items().map((item) => item.querySelector('.delivery')?.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
        undefined,
        'Not sent. Too many messages. Send again Copy',
        'Delivered',
        undefined,
      ]);
      // What each message's state is stays on its item, for tests and tools, not shown.
      expect(items().map((item) => item.getAttribute('data-delivery'))).toEqual(['delivered', 'failed', 'delivered', 'received']);
    });

    it('scrolled up, counts new messages on "Jump to newest", which goes to the end and focuses the log', async () => {
      const entries = [said('Ada'), said('You')];
      await render(entries);
      await scrollTo(100);
      expect(jump()).toBeUndefined();

      await render([...entries, said('Bob'), said('Bob'), said('Cyd')]);

      expect(jump()?.textContent?.trim()).toBe('Jump to newest (3 new)');
      expect(rowTexts()).toEqual(['[Today]', 'said 1', 'said 2', '[New messages]', 'said 3', 'said 4', 'said 5']);
      jump()?.click();
      await fixture.whenStable();
      expect(log().scrollTop).toBe(1_000);
      expect(jump()).toBeUndefined();
      expect(document.activeElement).toBe(log());
      // The divider stays where the unseen part began.
      expect(rowTexts()).toContain('[New messages]');
    });

    it('hides "Jump to newest" when the reader scrolls to the end by hand', async () => {
      const entries = [said('Ada')];
      await render(entries);
      await scrollTo(0);
      await render([...entries, said('Bob')]);
      expect(jump()?.textContent?.trim()).toBe('Jump to newest (1 new)');

      await scrollTo(790);

      expect(jump()).toBeUndefined();
    });

    it('puts "New messages" before the first message that came while the tab was hidden, until we write', async () => {
      const entries = [said('Ada'), said('You')];
      await render(entries);
      await setHidden(true);
      const arrived = [...entries, said('Bob'), said('Bob')];
      await render(arrived);
      await setHidden(false);

      expect(rowTexts()).toEqual(['[Today]', 'said 1', 'said 2', '[New messages]', 'said 3', 'said 4']);
      // The reader followed the end: nothing to jump to.
      expect(jump()).toBeUndefined();

      await render([...arrived, said('You', undefined, { delivery: 'pending' })]);
      expect(rowTexts()).not.toContain('[New messages]');
    });

    it('moves "New messages" when the next absence brings messages', async () => {
      const first = [said('Ada'), said('Bob')];
      await render(first);
      await setHidden(true);
      const second = [...first, said('Bob')];
      await render(second);
      await setHidden(false);
      expect(rowTexts().indexOf('[New messages]')).toBe(3);

      await setHidden(true);
      await render([...second, said('Cyd')]);
      await setHidden(false);

      expect(rowTexts().indexOf('[New messages]')).toBe(4);
      expect(rowTexts().filter((text) => text === '[New messages]')).toHaveLength(1);
    });
  });
});

describe('MessageList across midnight', () => {
  afterEach(() => jest.useRealTimers());

  it('turns Today into Yesterday when the local day changes', async () => {
    const evening = new Date(2026, 11, 7, 23, 59, 0);
    jest.useFakeTimers({ now: evening });
    const fixture = TestBed.createComponent(MessageList);
    fixture.componentRef.setInput('entries', [message({ ts: evening.getTime() - 60_000 })]);
    fixture.detectChanges();
    const label = () => (fixture.nativeElement as HTMLElement).querySelector('li.day')?.textContent?.trim();
    expect(label()).toBe('Today');

    await jest.advanceTimersByTimeAsync(2 * 60_000);
    fixture.detectChanges();

    expect(label()).toBe('Yesterday');
  });
});
