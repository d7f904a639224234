import { DOCUMENT } from '@angular/common';
import { DestroyRef, type Signal, inject, signal } from '@angular/core';

/**
 * Whether the CSS media `query` matches, kept current while the calling component lives. False
 * where the window has no matchMedia (jsdom), so specs see the wide layout. Call in an injection
 * context.
 */
export function mediaMatches(query: string): Signal<boolean> {
  const list = inject(DOCUMENT).defaultView?.matchMedia?.(query);
  const matches = signal(list?.matches ?? false);
  if (list) {
    const update = (event: MediaQueryListEvent) => matches.set(event.matches);
    list.addEventListener('change', update);
    inject(DestroyRef).onDestroy(() => list.removeEventListener('change', update));
  }
  return matches.asReadonly();
}
