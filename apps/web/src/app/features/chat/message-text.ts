import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { findMentions } from './find-mentions';
import { linkify } from './linkify';

/** A piece of a message's text: plain, an http(s) link, or a mention of a member (`mention` is the name). */
interface Segment {
  text: string;
  href?: string;
  mention?: string;
}

/** The plain parts of `segments` split further at each mention of one of `names`. */
function withMentions(segments: readonly Segment[], names: readonly string[]): Segment[] {
  return segments.flatMap((segment) => {
    if (segment.href !== undefined) return [segment];
    const parts: Segment[] = [];
    let last = 0;
    for (const { start, end, name } of findMentions(segment.text, names)) {
      if (start > last) parts.push({ text: segment.text.slice(last, start) });
      parts.push({ text: segment.text.slice(start, end), mention: name });
      last = end;
    }
    if (last < segment.text.length) parts.push({ text: segment.text.slice(last) });
    return parts;
  });
}

/**
 * A message's text as text nodes, with http(s) URLs as plain anchors and `@name` mentions of the
 * room's members highlighted (a mention of `me` more strongly). Never markup.
 */
@Component({
  selector: 'app-message-text',
  template: `@for (segment of segments(); track $index) {@if (segment.href) {<a [href]="segment.href" target="_blank" rel="noopener noreferrer">{{ segment.text }}</a>} @else if (segment.mention) {<span class="mention" [class.me]="isMe(segment.mention)">{{ segment.text }}</span>} @else {<span>{{ segment.text }}</span>}}`,
  styles: `
    :host {
      display: block;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .mention {
      padding: 0 0.15em;
      border-radius: 0.25em;
      background: color-mix(in srgb, var(--accent) 14%, transparent);
      color: var(--text);
      font-weight: 600;
    }
    .mention.me {
      background: color-mix(in srgb, var(--accent) 30%, transparent);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageText {
  readonly text = input.required<string>();
  /** The room's members, whose `@name` mentions are highlighted. */
  readonly names = input<readonly string[]>([]);
  /** Our own username: a mention of it stands out more. */
  readonly me = input('');
  protected readonly segments = computed(() => withMentions(linkify(this.text()), this.names()));

  protected isMe(name: string): boolean {
    return name.toLowerCase() === this.me().toLowerCase();
  }
}
