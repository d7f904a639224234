import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { Composer } from './composer';

describe('Composer', () => {
  let fixture: ComponentFixture<Composer>;
  let element: HTMLElement;
  let sent: string[];
  let attached: File[];
  let composing: boolean[];

  beforeEach(async () => {
    fixture = TestBed.createComponent(Composer);
    sent = [];
    attached = [];
    composing = [];
    fixture.componentInstance.send.subscribe((text) => sent.push(text));
    fixture.componentInstance.attach.subscribe((file) => attached.push(file));
    fixture.componentInstance.composing.subscribe((value) => composing.push(value));
    await fixture.whenStable();
    element = fixture.nativeElement as HTMLElement;
  });

  const textarea = () => element.querySelector('textarea') as HTMLTextAreaElement;
  const counter = () => element.querySelector('#composer-counter')?.textContent?.replace(/\s+/g, ' ').trim();
  const send = () => element.querySelector('button[type="submit"]') as HTMLButtonElement;
  /** What the alert says, without the no-break space that makes a repeat read again. */
  const alert = () => element.querySelector('[role="alert"]')?.textContent?.replace(/\u00a0/g, '').trim();

  async function type(text: string): Promise<void> {
    textarea().value = text;
    textarea().dispatchEvent(new Event('input'));
    await fixture.whenStable();
  }

  function press(init: KeyboardEventInit): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
    textarea().dispatchEvent(event);
    return event;
  }

  it('labels the box "Message" and the picker "Attach file", which takes any kind of file, and has a Send button', () => {
    expect(element.querySelector('label[for="composer-message"]')?.textContent?.trim()).toBe('Message');
    expect(textarea().id).toBe('composer-message');
    const picker = element.querySelector('input[type="file"]') as HTMLInputElement;
    expect(element.querySelector(`label[for="${picker.id}"]`)?.textContent?.trim()).toBe('Attach file');
    expect(picker.accept).toBe('');
    expect(picker.multiple).toBe(true);
    expect(element.querySelector('button[type="submit"]')?.textContent?.trim()).toBe('Send');
  });

  it('sends on Enter and empties the box', async () => {
    await type('Hello');
    const event = press({ key: 'Enter' });
    await fixture.whenStable();

    expect(event.defaultPrevented).toBe(true);
    expect(sent).toEqual(['Hello']);
    expect(textarea().value).toBe('');
  });

  it('leaves Shift+Enter to the textarea for a new line', async () => {
    await type('Hello');
    const event = press({ key: 'Enter', shiftKey: true });

    expect(event.defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
  });

  it('does not send while an input method is composing', async () => {
    await type('こんにちは');
    press({ key: 'Enter', isComposing: true });

    expect(sent).toEqual([]);
  });

  it('sends with the Send button', async () => {
    await type('Hi');
    (element.querySelector('button[type="submit"]') as HTMLButtonElement).click();

    expect(sent).toEqual(['Hi']);
  });

  it('does not send a blank message', async () => {
    await type('   ');
    press({ key: 'Enter' });

    expect(sent).toEqual([]);
  });

  it('says whether there is text, for the typing indicator', async () => {
    await type('H');
    await type('');

    expect(composing).toEqual([true, false]);
  });

  it('shows no counter far from the limit', async () => {
    await type('x'.repeat(8_999));

    expect(counter()).toBe('');
  });

  it('shows the counter near the 10,000-character limit', async () => {
    await type('x'.repeat(9_500));

    expect(counter()).toBe('9,500 / 10,000');
    expect(textarea().getAttribute('aria-invalid')).toBe('false');
  });

  it('refuses to send beyond the limit and says by how much', async () => {
    await type('x'.repeat(10_002));

    expect(counter()).toBe('10,002 / 10,000 Too long by 2 characters: shorten it to send.');
    expect(textarea().getAttribute('aria-invalid')).toBe('true');
    // Send stays focusable, marked unavailable and described by the reason.
    expect(send().disabled).toBe(false);
    expect(send().getAttribute('aria-disabled')).toBe('true');
    expect(send().getAttribute('aria-describedby')).toBe('composer-counter');
    expect(alert()).toBe('');
  });

  it('says why on Enter instead of doing nothing, and again on a second Enter', async () => {
    await type('x'.repeat(10_123));
    const event = press({ key: 'Enter' });
    await fixture.whenStable();

    expect(event.defaultPrevented).toBe(true);
    expect(sent).toEqual([]);
    expect(textarea().value).toHaveLength(10_123);
    expect(alert()).toBe('Not sent. Too long by 123 characters: shorten it to send.');
    expect(element.querySelector('#composer-counter')?.classList).toContain('refused');

    const before = element.querySelector('[role="alert"]')?.textContent;
    press({ key: 'Enter' });
    await fixture.whenStable();
    // A changed text, so that screen readers read the alert again.
    expect(element.querySelector('[role="alert"]')?.textContent).not.toBe(before);
    expect(alert()).toBe('Not sent. Too long by 123 characters: shorten it to send.');
  });

  it('says why when Send is pressed with a text too long', async () => {
    await type('x'.repeat(10_001));
    send().click();
    await fixture.whenStable();

    expect(sent).toEqual([]);
    expect(alert()).toBe('Not sent. Too long by 1 character: shorten it to send.');
  });

  it('clears the refusal once the text changes, and sends once short enough', async () => {
    await type('x'.repeat(10_001));
    press({ key: 'Enter' });
    await fixture.whenStable();

    await type('x'.repeat(10_000));
    expect(alert()).toBe('');
    expect(send().hasAttribute('aria-disabled')).toBe(false);
    press({ key: 'Enter' });

    expect(sent).toHaveLength(1);
  });

  it('counts characters, not UTF-16 units', async () => {
    await type('👋'.repeat(10_000));

    expect(counter()).toBe('10,000 / 10,000');
    expect(send().hasAttribute('aria-disabled')).toBe(false);
  });

  it('sends exactly 10,000 characters', async () => {
    await type('x'.repeat(10_000));
    press({ key: 'Enter' });

    expect(sent).toHaveLength(1);
  });

  it('attaches picked files, images or not', () => {
    const picker = element.querySelector('input[type="file"]') as HTMLInputElement;
    const files = [new File(['x'], 'cat.png', { type: 'image/png' }), new File(['%PDF'], 'notes.pdf', { type: 'application/pdf' })];
    Object.defineProperty(picker, 'files', { configurable: true, value: files });
    picker.dispatchEvent(new Event('change'));

    expect(attached).toEqual(files);
  });

  it('attaches pasted images', () => {
    const file = new File(['x'], 'paste.png', { type: 'image/png' });
    const event = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'clipboardData', { value: { files: [file], types: ['Files'] } });
    textarea().dispatchEvent(event);

    expect(attached).toEqual([file]);
    expect(event.defaultPrevented).toBe(true);
  });

  it('pastes text normally', () => {
    const event = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'clipboardData', { value: { files: [], types: ['text/plain'] } });
    textarea().dispatchEvent(event);

    expect(attached).toEqual([]);
    expect(event.defaultPrevented).toBe(false);
  });

  it('is disabled once the session has ended', async () => {
    fixture.componentRef.setInput('disabled', true);
    await fixture.whenStable();

    expect(textarea().disabled).toBe(true);
    expect((element.querySelector('button[type="submit"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows a notice with its tone', async () => {
    fixture.componentRef.setInput('notice', { tone: 'error', text: 'This image could not be read.' });
    await fixture.whenStable();

    const notice = element.querySelector('[role="status"]');
    expect(notice?.textContent?.trim()).toBe('This image could not be read.');
    expect(notice?.classList).toContain('error');
  });
});
