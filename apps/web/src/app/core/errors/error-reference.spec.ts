import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { ErrorReference } from './error-reference';

@Component({
  imports: [ErrorReference],
  template: `<p role="alert">Something went wrong. <app-error-reference [reference]="reference()" /></p>`,
})
class Host {
  readonly reference = signal<string | undefined>('5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50');
}

function text(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('ErrorReference', () => {
  let fixture: ComponentFixture<Host>;
  let element: HTMLElement;
  const clipboard = Object.getOwnPropertyDescriptor(navigator, 'clipboard');

  beforeEach(async () => {
    fixture = TestBed.createComponent(Host);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => {
    if (clipboard) Object.defineProperty(navigator, 'clipboard', clipboard);
    else delete (navigator as { clipboard?: unknown }).clipboard;
  });

  function setClipboard(value: unknown): void {
    Object.defineProperty(navigator, 'clipboard', { value, configurable: true });
  }

  const copyButton = () => element.querySelector<HTMLButtonElement>('button')!;

  it('shows "Reference: <id>" under the error, the id alone in a code element a click selects whole', () => {
    expect(text(element.querySelector('.reference'))).toContain('Reference: 5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50');
    const code = element.querySelector('code.id');
    expect(text(code)).toBe('5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50');
    expect(copyButton().getAttribute('aria-label')).toBe('Copy reference 5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50');
    expect(copyButton().type).toBe('button');
  });

  it('shows nothing without an id (no answer came)', async () => {
    fixture.componentInstance.reference.set(undefined);
    await fixture.whenStable();

    expect(element.querySelector('.reference')).toBeNull();
    expect(text(element)).toBe('Something went wrong.');
  });

  it('copies the id to the clipboard and says so', async () => {
    const writeText = jest.fn(async () => undefined);
    setClipboard({ writeText });

    copyButton().click();
    await fixture.whenStable();

    expect(writeText).toHaveBeenCalledWith('5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50');
    expect(text(element.querySelector('[aria-live="polite"]'))).toBe('Copied.');
  });

  it('selects the id for copying by hand where the clipboard refuses', async () => {
    setClipboard({ writeText: jest.fn(async () => Promise.reject(new Error('denied'))) });

    copyButton().click();
    await fixture.whenStable();

    expect(document.getSelection()?.toString()).toBe('5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50');
    expect(text(element.querySelector('[aria-live="polite"]'))).toBe('Selected: copy it yourself.');
  });

  it('forgets "Copied." when another error brings another id', async () => {
    setClipboard({ writeText: jest.fn(async () => undefined) });
    copyButton().click();
    await fixture.whenStable();

    fixture.componentInstance.reference.set('another-id');
    await fixture.whenStable();

    expect(text(element.querySelector('code.id'))).toBe('another-id');
    expect(text(element.querySelector('[aria-live="polite"]'))).toBe('');
  });
});
