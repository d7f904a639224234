import { isObject, MESSAGE_ID_PATTERN, MIN_BOX_BYTES, type ErrorCode } from '@ciphernest/protocol';

export type ParsedMessage =
  | { ok: true; id: string; box: Buffer }
  | { ok: false; code: Extract<ErrorCode, 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE'>; message: string };

/**
 * Checks a `message` payload's shape and size (docs/protocol.md §5). Hand-written rather than a DTO:
 * it runs once per message on the hot path and the box must stay an untouched Buffer.
 * Security: the box is opaque ciphertext; it is never inspected or logged.
 */
export function parseMessage(payload: unknown, maxBoxBytes: number): ParsedMessage {
  if (!isObject(payload)) {
    return { ok: false, code: 'VALIDATION_FAILED', message: 'The message must be an object { id, box }.' };
  }
  const { id, box } = payload;
  if (typeof id !== 'string' || !MESSAGE_ID_PATTERN.test(id)) {
    return { ok: false, code: 'VALIDATION_FAILED', message: 'id must be 16 to 64 characters of A-Z, a-z, 0-9, "_" and "-".' };
  }
  if (!Buffer.isBuffer(box)) {
    return { ok: false, code: 'VALIDATION_FAILED', message: 'box must be binary.' };
  }
  if (box.length < MIN_BOX_BYTES) {
    return { ok: false, code: 'VALIDATION_FAILED', message: `box must be at least ${MIN_BOX_BYTES} bytes.` };
  }
  if (box.length > maxBoxBytes) {
    return { ok: false, code: 'PAYLOAD_TOO_LARGE', message: `box must be at most ${maxBoxBytes} bytes.` };
  }
  return { ok: true, id, box };
}
