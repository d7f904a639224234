/**
 * Thrown when a blob sealed under a session's vault does not open (another vault, another
 * label, altered or truncated bytes) or holds something malformed. The message says which
 * check failed and never carries what was sealed.
 */
export class VaultSealError extends Error {
  override readonly name = 'VaultSealError';
}
