import { Injectable, inject } from '@angular/core';
import { IMAGE_MIMES } from '@ciphernest/crypto';

import { ChatOutbox } from './chat-outbox';
import { FilePrepError, type PreparedFile, prepareFile } from './file-prep';
import { ImagePrep, ImagePrepError, type PreparedImage } from './image-prep';

/** A picked or dropped file made ready to seal, with something the sender should know, if any. */
export type PreparedAttachment = { kind: 'image'; image: PreparedImage; note?: string } | { kind: 'file'; file: PreparedFile; note?: undefined };

/**
 * What we attach: a JPEG, PNG, WebP or GIF goes as an image (ImagePrep: re-encoded without its
 * metadata, or a GIF kept animated); anything else as a file, as it is, once its size is
 * checked against what fits in a message (docs/protocol.md §3). Either shows at once as pending.
 */
@Injectable()
export class ChatAttachments {
  private readonly imagePrep = inject(ImagePrep);
  private readonly outbox = inject(ChatOutbox);

  /** True for a file that goes as an image. */
  isImage(file: Blob): boolean {
    return (IMAGE_MIMES as readonly string[]).includes(file.type);
  }

  /** `file` ready to send, or the sentence that says why it cannot be sent. Never rejects. */
  async prepare(file: Blob & { name?: string }): Promise<PreparedAttachment | { refused: string }> {
    try {
      if (!this.isImage(file)) return { kind: 'file', file: await prepareFile(file, file.name ?? 'file') };
      const image = await this.imagePrep.prepare(file);
      return { kind: 'image', image, note: image.note };
    } catch (error) {
      if (error instanceof ImagePrepError || error instanceof FilePrepError) return { refused: error.message };
      return { refused: this.isImage(file) ? 'This image could not be prepared.' : 'This file could not be read.' };
    }
  }

  /** Shows `prepared` from `from` (us) as pending and sends it; undefined, with nothing sent, when the browser cannot show an image. */
  send(from: string, prepared: PreparedAttachment): Promise<void> | undefined {
    return prepared.kind === 'image' ? this.outbox.sendImage(from, prepared.image) : this.outbox.sendFile(from, prepared.file);
  }
}

