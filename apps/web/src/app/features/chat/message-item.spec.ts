import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';

import type { MessageEntry } from './chat-entry';
import { MessageItem } from './message-item';
import type { ReplyQuote } from './reply-quote';

const THUMBS = '\u{1F44D}';
const XSS = '<img src=x onerror=alert(1)>';

function message(changes: Partial<MessageEntry> = {}): MessageEntry {
  return { type: 'message', id: 'alice-message-0001', from: 'Alice', own: false, delivery: 'received', ts: 1_767_225_600_000, content: { kind: 'text', text: 'Hello' }, ...changes };
}

@Component({
  imports: [MessageItem],
  template: `
    <ol>
      <li
        app-message-item
        [class.own]="entry().own"
        [entry]="entry()"
        [me]="'Bob'"
        [names]="names()"
        [quote]="quote()"
        [canRetry]="canAct()"
        (reply)="events.push('reply ' + $event)"
        (copyText)="events.push('copy ' + $event)"
        (react)="events.push('react ' + $event.emoji + ' ' + $event.id)"
        (deleteForEveryone)="events.push('delete ' + $event)"
        (jumpTo)="events.push('jump ' + $event)"
      ></li>
    </ol>
    <button type="button" id="after">after</button>
  `,
})
class Host {
  readonly entry = signal<MessageEntry>(message());
  readonly names = signal<readonly string[]>(['Alice', 'Bob']);
  readonly quote = signal<ReplyQuote | undefined>(undefined);
  readonly canAct = signal(true);
  readonly events: string[] = [];
}

/** An element's accessible name as the menu's elements have it: aria-label, else its text. */
function nameOf(element: Element | null | undefined): string {
  return (element?.getAttribute('aria-label') ?? element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('MessageItem', () => {
  let fixture: ComponentFixture<Host>;
  let host: Host;
  let element: HTMLElement;

  beforeEach(async () => {
    fixture = TestBed.createComponent(Host);
    host = fixture.componentInstance;
    element = fixture.nativeElement as HTMLElement;
    document.body.appendChild(element);
    await fixture.whenStable();
  });

  afterEach(() => element.remove());

  async function show(entry: MessageEntry): Promise<void> {
    host.entry.set(entry);
    await fixture.whenStable();
  }

  const trigger = () => element.querySelector<HTMLButtonElement>('button[aria-label="Message actions"]');
  const menu = () => element.querySelector('[role="menu"]');
  const items = () => Array.from(element.querySelectorAll<HTMLElement>('[role^="menuitem"]'));
  const focused = () => nameOf(document.activeElement);
  const key = async (target: Element | null, name: string) => {
    target?.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }));
    await fixture.whenStable();
  };
  const choose = async (name: string) => {
    items()
      .find((item) => nameOf(item) === name)
      ?.click();
    await fixture.whenStable();
  };

  describe('the "Message actions" menu (WAI-ARIA menu button)', () => {
    it('is a button that says it opens a menu, described by the sender and time', () => {
      const button = trigger();
      expect(button?.getAttribute('aria-haspopup')).toBe('menu');
      expect(button?.getAttribute('aria-expanded')).toBe('false');
      const described = element.ownerDocument.getElementById(button?.getAttribute('aria-describedby') ?? '');
      expect(described?.textContent).toContain('Alice');
      expect(menu()).toBeNull();
    });

    it('opens on click with Reply, Copy text and the six reactions, the first item focused', async () => {
      trigger()?.click();
      await fixture.whenStable();

      expect(trigger()?.getAttribute('aria-expanded')).toBe('true');
      expect(trigger()?.getAttribute('aria-controls')).toBe(menu()?.id);
      expect(items().map((item) => [item.getAttribute('role'), nameOf(item)])).toEqual([
        ['menuitem', 'Reply'],
        ['menuitem', 'Copy text'],
        ['menuitemcheckbox', 'React with thumbs up'],
        ['menuitemcheckbox', 'React with red heart'],
        ['menuitemcheckbox', 'React with face with tears of joy'],
        ['menuitemcheckbox', 'React with face with open mouth'],
        ['menuitemcheckbox', 'React with crying face'],
        ['menuitemcheckbox', 'React with party popper'],
      ]);
      expect(items().every((item) => item.tabIndex === -1)).toBe(true);
      expect(focused()).toBe('Reply');
    });

    it('is used from the keyboard alone: Enter opens, arrows move and wrap, Home and End, Escape closes and returns focus', async () => {
      trigger()?.focus();
      await key(trigger(), 'Enter');
      expect(focused()).toBe('Reply');

      await key(document.activeElement, 'ArrowDown');
      expect(focused()).toBe('Copy text');
      await key(document.activeElement, 'ArrowDown');
      expect(focused()).toBe('React with thumbs up');
      await key(document.activeElement, 'ArrowRight');
      expect(focused()).toBe('React with red heart');
      await key(document.activeElement, 'ArrowLeft');
      await key(document.activeElement, 'ArrowUp');
      expect(focused()).toBe('Copy text');
      await key(document.activeElement, 'End');
      expect(focused()).toBe('React with party popper');
      await key(document.activeElement, 'ArrowDown');
      expect(focused()).toBe('Reply');
      await key(document.activeElement, 'ArrowUp');
      expect(focused()).toBe('React with party popper');
      await key(document.activeElement, 'Home');
      expect(focused()).toBe('Reply');

      await key(document.activeElement, 'Escape');
      expect(menu()).toBeNull();
      expect(document.activeElement).toBe(trigger());
      expect(trigger()?.getAttribute('aria-expanded')).toBe('false');
    });

    it('opens with Space or Down on the first item, with Up on the last; Tab closes it', async () => {
      trigger()?.focus();
      await key(trigger(), ' ');
      expect(focused()).toBe('Reply');
      await key(document.activeElement, 'Tab');
      expect(menu()).toBeNull();
      expect(document.activeElement).toBe(trigger());

      await key(trigger(), 'ArrowUp');
      expect(focused()).toBe('React with party popper');
      await key(document.activeElement, 'Escape');
      await key(trigger(), 'ArrowDown');
      expect(focused()).toBe('Reply');
    });

    it('closes when focus or a click goes elsewhere', async () => {
      trigger()?.click();
      await fixture.whenStable();
      element.querySelector<HTMLButtonElement>('#after')?.focus();
      await fixture.whenStable();
      expect(menu()).toBeNull();

      trigger()?.click();
      await fixture.whenStable();
      element.querySelector('#after')?.dispatchEvent(new Event('pointerdown', { bubbles: true }));
      await fixture.whenStable();
      expect(menu()).toBeNull();
    });

    it('emits what is chosen, closes, and puts focus back on the button', async () => {
      for (const name of ['Reply', 'Copy text', 'React with thumbs up']) {
        trigger()?.click();
        await fixture.whenStable();
        await choose(name);
        expect(menu()).toBeNull();
        expect(document.activeElement).toBe(trigger());
      }

      expect(host.events).toEqual(['reply alice-message-0001', 'copy alice-message-0001', `react ${THUMBS} alice-message-0001`]);
    });

    it('shows our own reaction as checked', async () => {
      await show(message({ reactions: [{ emoji: THUMBS, names: ['Alice', 'Bob'] }] }));
      trigger()?.click();
      await fixture.whenStable();

      expect(items().map((item) => item.getAttribute('aria-checked')).slice(2, 4)).toEqual(['true', 'false']);
    });

    it('offers Delete for everyone on our own sent messages only, and asks first', async () => {
      trigger()?.click();
      await fixture.whenStable();
      expect(items().map(nameOf)).not.toContain('Delete for everyone');
      await key(document.activeElement, 'Escape');

      await show(message({ own: true, from: 'Bob', delivery: 'delivered', seq: 3 }));
      trigger()?.click();
      await fixture.whenStable();
      expect(items().map(nameOf).at(-1)).toBe('Delete for everyone');
      await choose('Delete for everyone');

      const dialog = element.querySelector('dialog');
      expect(dialog?.hasAttribute('open')).toBe(true);
      expect(dialog?.querySelector('h2')?.textContent).toBe('Delete this message for everyone?');
      expect(nameOf(document.activeElement)).toBe('Cancel');
      Array.from(dialog?.querySelectorAll('button') ?? [])
        .find((button) => nameOf(button) === 'Cancel')
        ?.click();
      await fixture.whenStable();
      expect(host.events).toEqual([]);
      expect(element.querySelector('dialog')).toBeNull();
      expect(document.activeElement).toBe(trigger());

      trigger()?.click();
      await fixture.whenStable();
      await choose('Delete for everyone');
      Array.from(element.querySelectorAll<HTMLButtonElement>('dialog button'))
        .find((button) => nameOf(button) === 'Delete for everyone')
        ?.click();
      await fixture.whenStable();
      expect(host.events).toEqual(['delete alice-message-0001']);
      expect(document.activeElement).toBe(element.querySelector('li'));
    });

    it('offers only Copy text on our message that is still being sent, nothing on a held or deleted one, and nothing once the session ended', async () => {
      await show(message({ own: true, from: 'Bob', delivery: 'pending', ts: undefined }));
      trigger()?.click();
      await fixture.whenStable();
      expect(items().map(nameOf)).toEqual(['Copy text']);

      await show(message({ content: { kind: 'held' } }));
      expect(trigger()).toBeNull();
      await show(message({ content: { kind: 'deleted' } }));
      expect(trigger()).toBeNull();

      await show(message());
      host.canAct.set(false);
      await fixture.whenStable();
      trigger()?.click();
      await fixture.whenStable();
      expect(items().map(nameOf)).toEqual(['Copy text']);
    });
  });

  describe('reactions', () => {
    it('shows each emoji with its count, named with who reacted ("You" for us), pressed when ours is on', async () => {
      await show(message({ reactions: [{ emoji: THUMBS, names: ['Alice', 'Bob'] }, { emoji: '\u{1F389}', names: ['Carol'] }] }));

      const chips = Array.from(element.querySelectorAll<HTMLButtonElement>('[role="group"][aria-label="Reactions"] button'));
      expect(chips.map((chip) => [nameOf(chip), chip.getAttribute('aria-pressed'), chip.textContent?.trim()])).toEqual([
        [`${THUMBS} 2: Alice, You`, 'true', `${THUMBS} 2`],
        ['\u{1F389} 1: Carol', 'false', '\u{1F389} 1'],
      ]);
      chips[1].click();
      expect(host.events).toEqual(['react \u{1F389} alice-message-0001']);
    });
  });

  describe('a deleted message', () => {
    it('says "Message deleted" and shows no content, quote, reactions or delivery', async () => {
      host.quote.set({ kind: 'shown', id: 'carol-message-0001', from: 'Carol', excerpt: 'hi' });
      await show(message({ own: true, from: 'Bob', delivery: 'delivered', content: { kind: 'deleted' } }));

      expect(element.querySelector('li')?.textContent).toContain('Message deleted');
      expect(element.querySelector('app-message-text')).toBeNull();
      expect(element.querySelector('.delivery')).toBeNull();
      expect(element.querySelector('.reactions')).toBeNull();
    });
  });

  describe('a reply', () => {
    it('quotes the original as a button that leads to it', async () => {
      host.quote.set({ kind: 'shown', id: 'carol-message-0001', from: 'Carol', excerpt: 'Lunch at noon?' });
      await show(message({ replyTo: 'carol-message-0001' }));

      const quote = element.querySelector<HTMLButtonElement>('button.quote');
      expect(nameOf(quote)).toBe('In reply to Carol: Lunch at noon?');
      quote?.click();
      expect(host.events).toEqual(['jump carol-message-0001']);
    });

    it('says when it quotes a message this tab does not have', async () => {
      host.quote.set({ kind: 'missing' });
      await show(message({ replyTo: 'carol-message-0001' }));

      expect(element.querySelector('button.quote')).toBeNull();
      expect(element.querySelector('.quote')?.textContent).toBe("In reply to a message you don't have");
    });
  });

  describe('mentions', () => {
    it('highlights @name of a member (ours more), as text only, and nothing else', async () => {
      host.names.set(['Alice', 'Bob', 'Ada Lovelace', XSS]);
      await show(message({ content: { kind: 'text', text: `hi @alice, @Ada Lovelace and @bob. Not @Carol, not a@Bob, not @Bobby; @${XSS}` } }));

      const mentions = Array.from(element.querySelectorAll('app-message-text .mention'));
      expect(mentions.map((mention) => [mention.textContent, mention.classList.contains('me')])).toEqual([
        ['@alice', false],
        ['@Ada Lovelace', false],
        ['@bob', true],
        [`@${XSS}`, false],
      ]);
      expect(element.querySelector('app-message-text img')).toBeNull();
      expect(element.querySelector('app-message-text')?.textContent).toBe(`hi @alice, @Ada Lovelace and @bob. Not @Carol, not a@Bob, not @Bobby; @${XSS}`);
    });
  });
});
