import { type ComponentFixture, TestBed } from '@angular/core/testing';

import type { ChatEntry, MessageEntry } from './chat-entry';
import { JUMP_HIGHLIGHT_MS, MessageList } from './message-list';

function message(id: string, changes: Partial<MessageEntry> = {}): MessageEntry {
  return { type: 'message', id, from: 'Alice', own: false, delivery: 'received', ts: 1_767_225_600_000, content: { kind: 'text', text: `text of ${id}` }, ...changes };
}

describe('MessageList, replies', () => {
  let fixture: ComponentFixture<MessageList>;
  let element: HTMLElement;
  const scrolled: Element[] = [];

  beforeEach(() => {
    // jsdom lays nothing out: record where the list scrolls to.
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    scrolled.length = 0;
    fixture = TestBed.createComponent(MessageList);
    element = fixture.nativeElement as HTMLElement;
    document.body.appendChild(element);
  });

  afterEach(() => {
    element.remove();
    jest.useRealTimers();
    Reflect.deleteProperty(Element.prototype, 'scrollIntoView');
  });

  async function render(entries: ChatEntry[]): Promise<void> {
    fixture.componentRef.setInput('entries', entries);
    fixture.componentRef.setInput('me', 'Bob');
    await fixture.whenStable();
  }

  const quoteOf = (index: number) => element.querySelectorAll('li.message')[index]?.querySelector('.quote');

  it('quotes the original by its sender ("You" for ours) and an excerpt, and says when this tab does not have it', async () => {
    await render([
      message('original-message-01', { content: { kind: 'text', text: 'Lunch\nat   noon?' } }),
      message('own-message-000001', { own: true, from: 'Bob', delivery: 'sent' }),
      message('reply-message-0001', { from: 'Carol', replyTo: 'original-message-01' }),
      message('reply-message-0002', { from: 'Carol', replyTo: 'own-message-000001' }),
      message('reply-message-0003', { from: 'Carol', replyTo: 'never-seen-message' }),
    ]);

    expect(quoteOf(2)?.getAttribute('aria-label')).toBe('In reply to Alice: Lunch at noon?');
    expect(quoteOf(2)?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Alice: Lunch at noon?');
    expect(quoteOf(3)?.getAttribute('aria-label')).toBe('In reply to You: text of own-message-000001');
    expect(quoteOf(4)?.textContent).toBe("In reply to a message you don't have");
    expect(quoteOf(0)).toBeNull();
  });

  it('quotes a deleted original as "Message deleted"', async () => {
    await render([message('original-message-01', { content: { kind: 'deleted' } }), message('reply-message-0001', { replyTo: 'original-message-01' })]);

    expect(quoteOf(1)?.getAttribute('aria-label')).toBe('In reply to Alice: Message deleted');
  });

  it('leads from the quote to the original: scrolled into view, focused, highlighted for a moment', async () => {
    await render([message('original-message-01'), message('other-message-0001'), message('reply-message-0001', { replyTo: 'original-message-01' })]);
    // Fake timers from here on: the highlight's own timer, advanced by hand (rendering synchronously).
    jest.useFakeTimers();

    (quoteOf(2) as HTMLButtonElement).click();
    fixture.detectChanges();

    const original = element.querySelector('#message-original-message-01');
    expect(scrolled).toEqual([original]);
    expect(document.activeElement).toBe(original);
    expect(original?.classList.contains('jumped')).toBe(true);
    jest.advanceTimersByTime(JUMP_HIGHLIGHT_MS);
    fixture.detectChanges();
    expect(original?.classList.contains('jumped')).toBe(false);
  });
});
