import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';

import { BlobSaver } from './blob-saver';
import { describeFile } from './describe-file';

/** Names this short are never cut: they fit any card. */
const SHORT_NAME_CHARS = 24;

/**
 * The end of a long name that stays in view when the rest is cut: its extension and the four
 * characters before it, or its last eight characters; '' for a short name.
 */
export function nameTail(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= SHORT_NAME_CHARS) return '';
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)).length : 0;
  const kept = extension > 0 && extension <= 12 ? extension + 4 : 8;
  return characters.slice(-kept).join('');
}

/**
 * A file of the conversation (docs/protocol.md §3): its name (a long one cut in the middle, so
 * its end and extension stay; the whole name in its title, and read in one piece by screen
 * readers from a visually hidden copy, the cut halves being hidden from them), its type and size,
 * and "Download", which saves it (BlobSaver: never opened or rendered here). Without `blob` the
 * file's bytes were not kept across a reload, and the card says so.
 */
@Component({
  selector: 'app-file-card',
  templateUrl: './file-card.html',
  styleUrl: './file-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FileCard {
  private readonly saver = inject(BlobSaver);

  readonly name = input.required<string>();
  readonly mime = input.required<string>();
  readonly size = input.required<number>();
  /** The file's bytes; undefined when they were not kept. */
  readonly blob = input<Blob | undefined>(undefined);

  protected readonly description = computed(() => describeFile(this.mime(), this.size()));
  protected readonly tail = computed(() => nameTail(this.name()));
  protected readonly head = computed(() => {
    const name = this.name();
    return name.slice(0, name.length - this.tail().length);
  });

  protected download(): void {
    const blob = this.blob();
    if (blob !== undefined) this.saver.save(blob, this.name());
  }
}
