import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** The sentence for who is typing; empty when nobody is. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/** Who is typing right now, announced politely. */
@Component({
  selector: 'app-typing-indicator',
  template: `<p aria-live="polite" aria-atomic="true">{{ text() }}</p>`,
  styles: `
    p {
      min-height: 1.5em;
      margin: 0.25rem 0;
      color: var(--muted);
      font-size: 0.875rem;
      font-style: italic;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TypingIndicator {
  readonly names = input.required<readonly string[]>();
  protected readonly text = computed(() => typingText(this.names()));
}
