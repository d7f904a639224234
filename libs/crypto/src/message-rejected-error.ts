/**
 * Thrown when a box does not open (too short, wrong key, relabelled room, sender or id,
 * tampered bytes) or its plaintext is malformed. docs/protocol.md §3: the receiver MUST drop
 * such a message. The message says which check failed and never carries plaintext.
 */
export class MessageRejectedError extends Error {
  override readonly name: string = 'MessageRejectedError';
}

/**
 * Thrown for a message that opened and is well framed but whose `kind` this client does not
 * know: a later version's. docs/protocol.md §3: drop it silently (no "could not be decrypted").
 */
export class UnknownKindError extends MessageRejectedError {
  override readonly name = 'UnknownKindError';
}
