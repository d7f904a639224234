import { DestroyRef, Injectable, inject } from '@angular/core';

/**
 * The object URLs images are shown through, one per message id. Each keeps its image's bytes
 * alive in the browser until it is revoked: when its line leaves the list, and all of them when
 * the chat goes away. The image itself can be read back (to keep it across a reload).
 */
@Injectable()
export class ObjectUrlRegistry {
  private readonly images = new Map<string, { url: string; blob: Blob }>();

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      for (const { url } of this.images.values()) URL.revokeObjectURL(url);
      this.images.clear();
    });
  }

  /** An object URL for `bytes` of type `mime`, kept under `id`. Throws when the browser cannot make one. */
  create(id: string, bytes: Uint8Array, mime: string): string {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime });
    const url = URL.createObjectURL(blob);
    this.images.set(id, { url, blob });
    return url;
  }

  /** The size in bytes of the image kept under `id`, or undefined when there is none. */
  sizeOf(id: string): number | undefined {
    return this.images.get(id)?.blob.size;
  }

  /** The bytes of the image kept under `id`, or undefined when there is none. */
  async bytesOf(id: string): Promise<Uint8Array | undefined> {
    const blob = this.images.get(id)?.blob;
    return blob === undefined ? undefined : new Uint8Array(await blob.arrayBuffer());
  }

  /** Revokes the URL kept under `id`, if there is one. */
  release(id: string): void {
    const image = this.images.get(id);
    if (image === undefined) return;
    URL.revokeObjectURL(image.url);
    this.images.delete(id);
  }
}
