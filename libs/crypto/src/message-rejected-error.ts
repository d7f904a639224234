/**
 * Thrown when a box does not open (too short, wrong key, relabelled room, sender or id,
 * tampered bytes) or its plaintext is malformed. PROTOCOL.md §3: the receiver MUST drop
 * such a message. The message says which check failed and never carries plaintext.
 */
export class MessageRejectedError extends Error {
  override readonly name = 'MessageRejectedError';
}
