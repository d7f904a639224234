/**
 * Thrown before any key derivation when key-derivation parameters fall outside
 * docs/protocol.md §2's accepted ranges. A client must refuse to derive rather than run a
 * weakened (or memory-exhausting) Argon2id chosen by a server or another member.
 */
export class KdfRejectedError extends Error {
  override readonly name = 'KdfRejectedError';

  constructor(
    message: string,
    /** What is wrong, one sentence per problem (from `kdfProblems`). */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}
