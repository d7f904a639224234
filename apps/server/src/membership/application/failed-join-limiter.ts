import { SlidingWindowLimiter } from './sliding-window-limiter';

/**
 * RATE_FAILED_JOINS_PER_MIN per (address key, room), docs/protocol.md §4: a sliding window over
 * BAD_CREDENTIALS answers, whose slots live in the AttemptLog (shared by every process with
 * Redis). A join takes a slot before its verifier is checked and gives it back unless the
 * answer is BAD_CREDENTIALS.
 */
export class FailedJoinLimiter extends SlidingWindowLimiter {
  static key(addressKey: string, roomKey: string): string {
    return `${addressKey}\n${roomKey}`;
  }
}
