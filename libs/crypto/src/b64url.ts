import { base64urlnopad } from '@scure/base';

/**
 * base64url without padding (RFC 4648 §5), as every b64url field of docs/protocol.md uses.
 * Accepts any Uint8Array view (a Node Buffer slice included) and reads only its own bytes.
 */
export function b64urlEncode(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/**
 * Strict inverse of {@link b64urlEncode}: only `A-Z a-z 0-9 - _`, no padding, no
 * whitespace, and the unused low bits of the last character must be zero, so every
 * byte string has exactly one accepted text (as `KDF_SALT_PATTERN` and `VERIFIER_PATTERN`
 * of `@ciphernest/protocol` expect). `@scure/base` (audited) checks all of that, in plain
 * JavaScript in every runtime; this wrapper gives its refusals one recognisable message.
 *
 * @throws TypeError when `text` is not a string; Error when it is not canonical base64url.
 */
export function b64urlDecode(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('b64urlDecode expects a string');
  try {
    return base64urlnopad.decode(text) as Uint8Array<ArrayBuffer>;
  } catch (cause) {
    throw new Error(`invalid base64url: ${(cause as Error).message}`, { cause });
  }
}
