import { MessageRejectedError } from '../message-rejected-error';

/**
 * A v2 body whose signature does not verify under the key announced for its `from`: a member or
 * a relay tried to make it look sent by someone else, or altered it. Unlike a box that does not
 * open, this is evidence: the receiver drops the message and SHOULD say so (docs/protocol.md §3.1).
 */
export class ForgeryError extends MessageRejectedError {
  override readonly name = 'ForgeryError';
}

/**
 * A "sealed" message whose index was already used or passed, with no skipped key kept for it:
 * a replay or a reordered copy. Dropped, and MAY be reported (docs/protocol.md §3.1).
 */
export class ReplayError extends MessageRejectedError {
  override readonly name = 'ReplayError';
}

/**
 * A "sealed" message more than `RATCHET_LIMITS.maxSkip` indexes ahead of its chain: refused so
 * a sender cannot make a receiver derive and keep keys without end. Reported as unreadable.
 */
export class ChainGapError extends MessageRejectedError {
  override readonly name = 'ChainGapError';
}
