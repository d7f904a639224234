import { isByteArray } from './is-byte-array';
import { encodePlaintext } from './message-header';
import { sealAndWipe, type MessageContext } from './seal';

/** A file to send: its bytes (any Uint8Array view), media type and name (docs/protocol.md §3). */
export interface FileInput {
  /** A lower-cased RFC 6838 `type/subtype`, at most `MAX_FILE_MIME_CHARS` characters. */
  mime: string;
  /** 1 to `MAX_FILE_NAME_CHARS` characters; no control characters, `/` or `\`. */
  name: string;
  bytes: Uint8Array;
}

/**
 * A file message's framed plaintext (docs/protocol.md §3), padded to a multiple of 256 bytes:
 * what {@link encryptFile} seals, and what layer v2 seals inside its own box (§3.1). The bytes
 * go as they are: a file is never opened or rendered by the receiving client.
 *
 * @throws RangeError when `bytes` is empty; TypeError when `mime` or `name` breaks the rules of
 *   `isFileMime` and `isFileName`.
 */
export function filePlaintext(file: FileInput): Uint8Array<ArrayBuffer> {
  if (!isByteArray(file?.bytes)) throw new TypeError('filePlaintext: bytes must be a Uint8Array');
  if (file.bytes.length === 0) throw new RangeError('filePlaintext: file is empty');
  return encodePlaintext({ kind: 'file', len: file.bytes.length, mime: file.mime, name: file.name }, file.bytes);
}

/**
 * Frames, pads (to a multiple of 256 bytes) and seals a file message ({@link filePlaintext}).
 * The box must still fit the server's `MAX_MESSAGE_BYTES`; `maxFileBytes` (layer v2) says
 * how large a file may be.
 *
 * @throws RangeError when `bytes` is empty; TypeError when `mime` or `name` is refused or the
 *   context is malformed.
 */
export async function encryptFile(encKey: CryptoKey, ctx: MessageContext, file: FileInput): Promise<Uint8Array<ArrayBuffer>> {
  return sealAndWipe(encKey, ctx, filePlaintext(file));
}
