import { isByteArray } from './is-byte-array';
import { encodePlaintext, type ImageMime, type MessageHeader } from './message-header';
import { sealAndWipe, type MessageContext } from './seal';

/** An image to send; `bytes` is the encoded file (any Uint8Array view). */
export interface ImageInput {
  mime: ImageMime;
  bytes: Uint8Array;
  name?: string;
  width?: number;
  height?: number;
}

/**
 * An image message's framed plaintext (docs/protocol.md §3), padded to a multiple of 256 bytes:
 * what {@link encryptImage} seals, and what layer v2 seals inside its own box (§3.1). Nothing
 * but the listed fields goes into the header.
 *
 * @throws RangeError when `bytes` is empty; TypeError when `mime` is not one of
 *   `IMAGE_MIMES` or an optional field has the wrong type.
 */
export function imagePlaintext(image: ImageInput): Uint8Array<ArrayBuffer> {
  if (!isByteArray(image?.bytes)) throw new TypeError('imagePlaintext: bytes must be a Uint8Array');
  if (image.bytes.length === 0) throw new RangeError('imagePlaintext: image is empty');
  const header: MessageHeader = { kind: 'image', len: image.bytes.length, mime: image.mime };
  if (image.name !== undefined) header.name = image.name;
  if (image.width !== undefined) header.width = image.width;
  if (image.height !== undefined) header.height = image.height;
  return encodePlaintext(header, image.bytes);
}

/**
 * Frames, pads (to a multiple of 256 bytes) and seals an image message ({@link imagePlaintext}).
 * The sender's client decides on resizing; the box must still fit the server's
 * `MAX_MESSAGE_BYTES`.
 *
 * @throws RangeError when `bytes` is empty; TypeError when `mime` is not one of
 *   `IMAGE_MIMES`, an optional field has the wrong type, or the context is malformed.
 */
export async function encryptImage(encKey: CryptoKey, ctx: MessageContext, image: ImageInput): Promise<Uint8Array<ArrayBuffer>> {
  return sealAndWipe(encKey, ctx, imagePlaintext(image));
}
