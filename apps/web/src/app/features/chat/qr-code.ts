import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { encode } from 'uqr';

/** Light modules around the symbol: the quiet zone the QR standard asks for. */
export const QR_QUIET_ZONE = 4;

/** The modules of `text`'s QR code (error correction M), quiet zone included: true is dark. */
export function qrModules(text: string): boolean[][] {
  return encode(text, { ecc: 'M', border: QR_QUIET_ZONE }).data;
}

/** One SVG path for the dark modules: a rectangle per run of dark modules in a row. */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return parts.join('');
}

/**
 * `text` as a QR code: an SVG of one path, drawn by Angular's own bindings (no inline script,
 * no style attribute, no data: URL), black on white in either theme so that cameras read it.
 */
@Component({
  selector: 'app-qr-code',
  template: `
    <svg
      role="img"
      [attr.aria-label]="label()"
      [attr.viewBox]="'0 0 ' + size() + ' ' + size()"
      shape-rendering="crispEdges"
    >
      <rect [attr.width]="size()" [attr.height]="size()" fill="#fff" />
      <path [attr.d]="path()" fill="#000" />
    </svg>
  `,
  styles: `
    :host {
      display: block;
    }
    svg {
      display: block;
      width: 100%;
      height: auto;
      aspect-ratio: 1;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QrCode {
  readonly text = input.required<string>();
  /** What the image is, for screen readers. */
  readonly label = input.required<string>();

  private readonly modules = computed(() => qrModules(this.text()));
  protected readonly size = computed(() => this.modules().length);
  protected readonly path = computed(() => qrPath(this.modules()));
}
