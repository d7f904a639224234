import { isFileMime, isFileName, MAX_FILE_NAME_CHARS, maxFileBytes } from '@ciphernest/crypto';
import { DEFAULT_LIMITS } from '@ciphernest/protocol';

import { humanSize } from './describe-file';

/** A file ready to seal: its bytes, a media type and a name the protocol accepts (docs/protocol.md §3). */
export interface PreparedFile {
  mime: string;
  name: string;
  bytes: Uint8Array;
}

/** A refusal with a sentence to show the person who picked the file. */
export class FilePrepError extends Error {
  override readonly name = 'FilePrepError';
}

/** What a file name may not carry: controls, lone surrogates, bidirectional controls, path separators. */
const UNSENDABLE = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]/gu;

/**
 * The name a file is sent under: what the picker gave, with anything the protocol refuses
 * replaced by `_`, and, past {@link MAX_FILE_NAME_CHARS} characters, its stem shortened so its
 * extension stays. "file" when nothing is left.
 */
export function fileNameForSending(name: string): string {
  const cleaned = name.normalize('NFC').replace(UNSENDABLE, '_').trim();
  const characters = Array.from(cleaned);
  let sendable = cleaned;
  if (characters.length > MAX_FILE_NAME_CHARS) {
    const dot = cleaned.lastIndexOf('.');
    const extension = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
    const kept = extension.length < 16 ? extension : [];
    sendable = [...characters.slice(0, MAX_FILE_NAME_CHARS - kept.length), ...kept].join('');
  }
  return isFileName(sendable) ? sendable : 'file';
}

/** The media type a file is sent as: the browser's, lower-cased and without parameters, or application/octet-stream. */
export function mimeForSending(type: string): string {
  const mime = type.split(';')[0].trim().toLowerCase();
  return isFileMime(mime) ? mime : 'application/octet-stream';
}

/** The sentence for a file over the limit: its size and the limit, in MB. */
export function tooLargeText(size: number, limit: number): string {
  // Rounded down, so that the limit said is never more than the real one.
  const limitText = `${(Math.floor(limit / 100_000) / 10).toFixed(1)} MB`;
  return `This file is too large to send (${humanSize(size)}; the limit is ${limitText}).`;
}

/**
 * Reads a picked or dropped file (`fileName`: the name it came with) for sending as a `file` message (docs/protocol.md §3): its size
 * is checked against the largest file whose sealed box fits `maxBoxBytes` (the server's
 * `MAX_MESSAGE_BYTES`) before a byte is read. Refusals are {@link FilePrepError}s whose message
 * is the sentence to show.
 */
export async function prepareFile(file: Blob, fileName: string, maxBoxBytes: number = DEFAULT_LIMITS.maxMessageBytes): Promise<PreparedFile> {
  const name = fileNameForSending(fileName);
  const mime = mimeForSending(file.type);
  if (file.size === 0) throw new FilePrepError('This file is empty, so there is nothing to send.');
  const limit = maxFileBytes(maxBoxBytes, { mime, name });
  if (file.size > limit) throw new FilePrepError(tooLargeText(file.size, limit));
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    throw new FilePrepError('This file could not be read.');
  }
  return { mime, name, bytes };
}
