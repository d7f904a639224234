const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const DECODE_TABLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

// String.fromCharCode(...codes) has an argument limit; flush well below it.
const CHUNK_CODES = 8192;

/**
 * base64url without padding (RFC 4648 §5), as every b64url field of PROTOCOL.md uses.
 * Accepts any Uint8Array view (a Node Buffer slice included) and reads only its own bytes.
 */
export function b64urlEncode(bytes: Uint8Array): string {
  const parts: string[] = [];
  let codes: number[] = [];
  const push = (...sextets: number[]): void => {
    for (const sextet of sextets) codes.push(ALPHABET.charCodeAt(sextet));
    if (codes.length >= CHUNK_CODES) {
      parts.push(String.fromCharCode(...codes));
      codes = [];
    }
  };
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    push(n >>> 18, (n >>> 12) & 63, (n >>> 6) & 63, n & 63);
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = bytes[whole] << 16;
    push(n >>> 18, (n >>> 12) & 63);
  } else if (rest === 2) {
    const n = (bytes[whole] << 16) | (bytes[whole + 1] << 8);
    push(n >>> 18, (n >>> 12) & 63, (n >>> 6) & 63);
  }
  parts.push(String.fromCharCode(...codes));
  return parts.join('');
}

/**
 * Strict inverse of {@link b64urlEncode}: only `A-Z a-z 0-9 - _`, no padding, no
 * whitespace, and the unused low bits of the last character must be zero, so every
 * byte string has exactly one accepted text (as `KDF_SALT_PATTERN` and `VERIFIER_PATTERN`
 * of `@ciphernest/protocol` expect).
 *
 * @throws TypeError when `text` is not a string; Error when it is not canonical base64url.
 */
export function b64urlDecode(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('b64urlDecode expects a string');
  const tail = text.length % 4;
  if (tail === 1) throw new Error('invalid base64url: impossible length');
  const sextets = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DECODE_TABLE[code] : -1;
    if (value < 0) throw new Error(`invalid base64url: unexpected character at ${i}`);
    sextets[i] = value;
  }
  const last = sextets[text.length - 1];
  if ((tail === 2 && (last & 0x0f) !== 0) || (tail === 3 && (last & 0x03) !== 0)) {
    throw new Error('invalid base64url: non-zero trailing bits');
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  const whole = text.length - tail;
  for (let i = 0; i < whole; i += 4) {
    const n = (sextets[i] << 18) | (sextets[i + 1] << 12) | (sextets[i + 2] << 6) | sextets[i + 3];
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (tail >= 2) {
    const n = (sextets[whole] << 18) | (sextets[whole + 1] << 12) | (tail === 3 ? sextets[whole + 2] << 6 : 0);
    out[o++] = n >>> 16;
    if (tail === 3) out[o++] = (n >>> 8) & 0xff;
  }
  return out;
}
