import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { linkify } from './linkify';

/** A message's text as text nodes, with http(s) URLs as plain anchors. Never markup. */
@Component({
  selector: 'app-message-text',
  template: `@for (segment of segments(); track $index) {@if (segment.href) {<a [href]="segment.href" target="_blank" rel="noopener noreferrer">{{ segment.text }}</a>} @else {<span>{{ segment.text }}</span>}}`,
  styles: `
    :host {
      display: block;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageText {
  readonly text = input.required<string>();
  protected readonly segments = computed(() => linkify(this.text()));
}
