import { TestBed } from '@angular/core/testing';

import { TypingIndicator, typingText } from './typing-indicator';

describe('typingText', () => {
  it('is empty when nobody types', () => {
    expect(typingText([])).toBe('');
  });

  it('names one or two people', () => {
    expect(typingText(['Alice'])).toBe('Alice is typing…');
    expect(typingText(['Alice', 'Carol'])).toBe('Alice and Carol are typing…');
  });

  it('does not list more than two', () => {
    expect(typingText(['Alice', 'Carol', 'Dan'])).toBe('Several people are typing…');
  });
});

describe('TypingIndicator', () => {
  it('announces politely', async () => {
    const fixture = TestBed.createComponent(TypingIndicator);
    fixture.componentRef.setInput('names', ['Alice']);
    await fixture.whenStable();

    const live = (fixture.nativeElement as HTMLElement).querySelector('[aria-live="polite"]');
    expect(live?.textContent).toBe('Alice is typing…');
  });
});
