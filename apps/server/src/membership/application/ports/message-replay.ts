import type { RelayedMessage, SeqRange } from '@ciphernest/protocol';
import type { Awaitable } from '../../../shared/awaitable';

/** A socket that resumes (docs/protocol.md §5.1): its session, and the `resume` it sent (undefined when it sent none). */
export interface ResumeRequest {
  sessionId: string;
  roomKey: string;
  /** Session.sinceSeq: nothing up to it is ever replayed to the session. */
  sinceSeq: number;
  resume: number | undefined;
}

/** What a resuming socket is sent before the live stream. */
export interface Replay {
  /** Seqs it should have had that are no longer held, when there are any. */
  missed?: SeqRange;
  /** Held messages it should have had, in seq order, exactly as relayed. */
  messages: RelayedMessage[];
  /**
   * The room's latest seq when the replay was read: the live stream continues after it, so a
   * live message up to it is never sent to the socket (it was replayed, or it came before).
   */
  upTo: number;
}

/**
 * The messages held for resuming (docs/protocol.md §5.1): every fresh message a MessageDelivery
 * relays is held, in the same step, for REPLAY_MS within REPLAY_MAX_BYTES per room and
 * REPLAY_MAX_TOTAL_BYTES per process (in memory) or per deployment (Redis), and dropped with its
 * room. Contract: testing/message-replay-contract.ts.
 * Security: boxes are opaque ciphertext; never inspect or log them.
 */
export abstract class MessageReplay {
  /**
   * The replay for a socket that resumes after `resume` (with none: nothing, and `upTo`): held
   * messages above max(resume, sinceSeq) that another session sent; `missed` for the seqs of that
   * range that are no longer held. Undefined when the room is gone.
   */
  abstract replay(request: ResumeRequest, now: number): Awaitable<Replay | undefined>;

  /** The room's latest seq (0 before its first message), or undefined when the room is gone. */
  abstract latestSeq(roomKey: string): Awaitable<number | undefined>;

  /** Drops what has been held for REPLAY_MS, in every room (run periodically). */
  abstract forgetExpired(now: number): Awaitable<void>;
}
