import { DOCUMENT, DestroyRef, Injectable, inject } from '@angular/core';

/** How long a download's object URL lives: the browser has long started the download by then. */
export const DOWNLOAD_URL_LIFETIME_MS = 60_000;

/**
 * A name a file can be saved under, made of what a sender wrote: NFC; controls, format
 * characters (bidirectional controls, zero-width ones) and line separators taken out; characters
 * that file systems refuse (`/ \ : * ? " < > |`) made `_`; no leading or trailing dots or spaces
 * (no hidden file, nothing Windows trims). `fallback` when nothing is left.
 */
export function downloadName(name: string, fallback = 'download'): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[/\\:*?"<>|]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/gu, '');
  return cleaned === '' ? fallback : cleaned;
}

/**
 * Saves bytes as a download, never opening them: {@link save} makes a new object URL of type
 * application/octet-stream (so no browser renders it, whatever the bytes are), clicks it through
 * an `<a download>` with a name made by {@link downloadName}, and revokes it after
 * {@link DOWNLOAD_URL_LIFETIME_MS}, or when the app goes; {@link saveUrl} does the same with an
 * object URL the app already shows (an image).
 */
@Injectable({ providedIn: 'root' })
export class BlobSaver {
  private readonly document = inject(DOCUMENT);
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      for (const [url, timer] of this.pending) {
        clearTimeout(timer);
        URL.revokeObjectURL(url);
      }
      this.pending.clear();
    });
  }

  save(blob: Blob, name: string): void {
    const url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
    this.saveUrl(url, name);
    this.pending.set(
      url,
      setTimeout(() => {
        this.pending.delete(url);
        URL.revokeObjectURL(url);
      }, DOWNLOAD_URL_LIFETIME_MS),
    );
  }

  /**
   * Saves what an object URL of this app already points at (an image the conversation shows) as
   * a download named by {@link downloadName}. The caller keeps the URL: it is not revoked here.
   */
  saveUrl(url: string, name: string): void {
    const link = this.document.createElement('a');
    link.href = url;
    link.download = downloadName(name);
    link.rel = 'noopener';
    link.hidden = true;
    this.document.body.append(link);
    try {
      link.click();
    } finally {
      link.remove();
    }
  }
}
