import { DestroyRef, Injectable, inject } from '@angular/core';

/**
 * The object URLs images are shown through, one per message id. Each keeps its image's bytes
 * alive in the browser until it is revoked: when its line leaves the list, and all of them when
 * the chat goes away.
 */
@Injectable()
export class ObjectUrlRegistry {
  private readonly urls = new Map<string, string>();

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      for (const url of this.urls.values()) URL.revokeObjectURL(url);
      this.urls.clear();
    });
  }

  /** An object URL for `bytes` of type `mime`, kept under `id`. Throws when the browser cannot make one. */
  create(id: string, bytes: Uint8Array, mime: string): string {
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
    this.urls.set(id, url);
    return url;
  }

  /** Revokes the URL kept under `id`, if there is one. */
  release(id: string): void {
    const url = this.urls.get(id);
    if (url === undefined) return;
    URL.revokeObjectURL(url);
    this.urls.delete(id);
  }
}
