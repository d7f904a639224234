import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { FormControl } from '@angular/forms';
import { PassphraseWords } from '../passphrase/passphrase-words';
import { byButton, byLabel, description, findButton, textOf, typeInto } from '../testing/dom-queries';
import { PasswordField } from './password-field';

const WORDS = Array.from({ length: 2048 }, (_, index) => `word${index}`);

@Component({
  imports: [PasswordField],
  template: `<app-password-field [control]="control" [mode]="mode()" [message]="message()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class Host {
  readonly control = new FormControl('', { nonNullable: true });
  readonly mode = signal<'create' | 'join'>('create');
  readonly message = signal<string | undefined>(undefined);
}

describe('PasswordField', () => {
  let fixture: ComponentFixture<Host>;
  let element: HTMLElement;
  let words: { load: jest.Mock };

  async function render(mode: 'create' | 'join' = 'create'): Promise<void> {
    words = { load: jest.fn(async () => WORDS) };
    TestBed.configureTestingModule({ providers: [{ provide: PassphraseWords, useValue: words }] });
    fixture = TestBed.createComponent(Host);
    fixture.componentInstance.mode.set(mode);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  it('labels the field "Password" and hides what is typed', async () => {
    await render();

    const input = byLabel(element, 'Password');
    expect(input.type).toBe('password');
    expect(input.getAttribute('autocomplete')).toBe('new-password');
  });

  it('shows and hides the password with a toggle button', async () => {
    await render();
    const input = byLabel(element, 'Password');
    const toggle = byButton(element, 'Show password');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(toggle.getAttribute('aria-controls')).toBe(input.id);

    toggle.click();
    await fixture.whenStable();
    expect(input.type).toBe('text');
    expect(toggle.getAttribute('aria-pressed')).toBe('true');

    toggle.click();
    await fixture.whenStable();
    expect(input.type).toBe('password');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
  });

  it('shows the parent\'s message as the field\'s description and marks it invalid', async () => {
    await render();
    const input = byLabel(element, 'Password');
    expect(input.getAttribute('aria-invalid')).toBeNull();

    fixture.componentInstance.message.set('That password does not open this room.');
    await fixture.whenStable();

    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(description(input)).toContain('That password does not open this room.');
  });

  it('rates the password as it is typed', async () => {
    await render();
    const input = byLabel(element, 'Password');

    typeInto(input, 'password');
    await fixture.whenStable();
    const meter = byLabel<HTMLMeterElement>(element, 'Strength');
    expect(meter.tagName).toBe('METER');
    expect(meter.getAttribute('aria-valuetext')).toBe('weak');
    expect(textOf(element.querySelector('.strength'))).toContain('weak');

    typeInto(input, 'k7#Qm2!vR9$wLx4@');
    await fixture.whenStable();
    expect(meter.getAttribute('aria-valuetext')).toBe('strong');
    expect(meter.value).toBe(meter.max);
  });

  it('generates a passphrase of six words from the list, fills it in and shows it once with a copy button', async () => {
    await render();

    byButton(element, 'Generate passphrase').click();
    await fixture.whenStable();

    const passphrase = fixture.componentInstance.control.value;
    const parts = passphrase.split(' ');
    expect(parts).toHaveLength(6);
    for (const part of parts) expect(WORDS).toContain(part);
    expect(byLabel(element, 'Password').value).toBe(passphrase);
    const box = byLabel(element, 'Your new passphrase');
    expect(box.readOnly).toBe(true);
    expect(box.value).toBe(passphrase);
    expect(findButton(element, 'Copy')).toBeDefined();
  });

  it('copies the passphrase to the clipboard and says so', async () => {
    const writeText = jest.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await render();
    byButton(element, 'Generate passphrase').click();
    await fixture.whenStable();

    byButton(element, 'Copy').click();
    await fixture.whenStable();

    expect(writeText).toHaveBeenCalledWith(fixture.componentInstance.control.value);
    expect(textOf(element.querySelector('#copy-status'))).toBe('Copied.');
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('selects the passphrase for copying by hand when the clipboard is unavailable', async () => {
    await render();
    byButton(element, 'Generate passphrase').click();
    await fixture.whenStable();

    byButton(element, 'Copy').click();
    await fixture.whenStable();

    const box = byLabel(element, 'Your new passphrase');
    expect(textOf(element.querySelector('#copy-status'))).toContain('copy it yourself');
    expect(box.selectionStart).toBe(0);
    expect(box.selectionEnd).toBe(box.value.length);
  });

  it('stops showing the passphrase once the password is changed', async () => {
    await render();
    byButton(element, 'Generate passphrase').click();
    await fixture.whenStable();

    typeInto(byLabel(element, 'Password'), 'something else');
    await fixture.whenStable();

    expect(() => byLabel(element, 'Your new passphrase')).toThrow();
  });

  it('says so when the word list cannot be loaded', async () => {
    await render();
    words.load.mockRejectedValueOnce(new Error('chunk failed'));

    byButton(element, 'Generate passphrase').click();
    await fixture.whenStable();

    expect(textOf(element.querySelector('[role="alert"]'))).toContain('could not be loaded');
    expect(fixture.componentInstance.control.value).toBe('');
  });

  it('has no strength meter or generator when joining', async () => {
    await render('join');

    expect(byLabel(element, 'Password').getAttribute('autocomplete')).toBe('current-password');
    expect(findButton(element, 'Generate passphrase')).toBeUndefined();
    typeInto(byLabel(element, 'Password'), 'password');
    await fixture.whenStable();
    expect(element.querySelector('meter')).toBeNull();
  });
});
