/**
 * The bounds of layer v2's state (docs/protocol.md §3.1, "Limits"). Everything a tab keeps
 * beyond the current chain keys is bounded in number and age, so that a key kept for a late
 * message does not outlive its use by long, and a hostile sender cannot make a tab store or
 * derive without end.
 */
export const RATCHET_LIMITS = {
  /** A message may run at most this many indexes ahead of its chain's position. */
  maxSkip: 256,
  /** Skipped message keys kept per room, all senders together; the oldest go first. */
  maxSkippedKeys: 1_000,
  /**
   * How long a skipped message key, a sender's previous chain, a chain's start key kept for
   * pending members, and a message held for a missing chain are kept.
   */
  maxKeptAgeMs: 10 * 60 * 1_000,
  /** Messages held while their sender's keys or chain are missing, per room. */
  maxHeldMessages: 256,
  /** Bytes of held messages per room. */
  maxHeldBytes: 32 * 1024 * 1024,
  /** Recipients named by one "chain" distribution. */
  maxRecipients: 1_024,
  /** The last index of a chain: the sender starts a new one before it. */
  maxChainIndex: 0xffff_ffff,
} as const;
