import { DEFAULT_PAD_TO } from '../message-header';
import { framedLength } from '../plaintext-frame';
import { BOX_OVERHEAD_BYTES } from '../seal';
import { SEALED_OVERHEAD_BYTES } from './sealed-message';

/** What a file message says of itself besides its bytes. */
export interface FileLabel {
  mime: string;
  name: string;
}

/**
 * The length of the box that `E2eRoom.send` makes of a message whose §3 plaintext (padded) is
 * `plaintextBytes` long: the "sealed" body around it, framed and padded as the plaintext of the
 * outer box, and that box's iv and tag (docs/protocol.md §3, §3.1).
 */
export function sealedBoxBytes(plaintextBytes: number): number {
  const sealedBody = SEALED_OVERHEAD_BYTES + plaintextBytes;
  return BOX_OVERHEAD_BYTES + framedLength({ kind: 'sealed', len: sealedBody }, sealedBody, DEFAULT_PAD_TO);
}

/** The length of the box that `E2eRoom.send` makes of a file of `size` bytes with this `mime` and `name`. */
export function fileBoxBytes(file: FileLabel & { size: number }): number {
  const { mime, name, size } = file;
  return sealedBoxBytes(framedLength({ kind: 'file', len: size, mime, name }, size, DEFAULT_PAD_TO));
}

/**
 * The largest file, in bytes, with this `mime` and `name` whose box fits in `maxBoxBytes` (the
 * server's `MAX_MESSAGE_BYTES`): what a client checks before it reads or encrypts a file. 0 when
 * not even an empty one fits.
 */
export function maxFileBytes(maxBoxBytes: number, file: FileLabel): number {
  // The box grows with the file (never shrinks), so the largest size that fits is found by halving.
  let fits = -1;
  let over = maxBoxBytes + 1;
  while (over - fits > 1) {
    const size = Math.floor((fits + over) / 2);
    if (fileBoxBytes({ ...file, size }) <= maxBoxBytes) fits = size;
    else over = size;
  }
  return Math.max(fits, 0);
}
