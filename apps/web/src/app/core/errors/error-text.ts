import { KdfRejectedError } from '@ciphernest/crypto';
import { type ErrorCode, FAILED_JOIN_WINDOW_MS } from '@ciphernest/protocol';
import { ApiProblem, type ProblemCode, triesLeft } from '../api/api-problem';
import type { EndReason } from '../realtime/chat-connection';

const ERROR_TEXT: Readonly<Record<ProblemCode, string>> = {
  VALIDATION_FAILED: 'The server did not accept these details. Check them and try again.',
  ROOM_EXISTS: 'A room with this name, or one that looks the same, already exists. Pick another name, or join that room.',
  ROOM_NOT_FOUND: 'There is no room with this name right now. Check the spelling, or create it.',
  ROOM_FULL: 'This room is full. Try again when someone leaves.',
  USERNAME_TAKEN: 'Someone in this room already uses that name, or one that looks the same.',
  BAD_CREDENTIALS: 'That password does not open this room.',
  TOKEN_INVALID: 'This session is no longer valid. Join the room again.',
  SESSION_NOT_FOUND: 'This session has ended.',
  IP_MISMATCH: 'Your network address changed, so this session cannot continue. Join the room again.',
  ORIGIN_REFUSED: 'This server does not accept requests from the address this page was opened at.',
  RATE_LIMITED: 'Too many attempts from your network; wait a minute and try again.',
  CAPACITY: 'The server cannot hold any more rooms right now. Try again later.',
  PAYLOAD_TOO_LARGE: 'That is too large to send. Try a smaller image.',
  NOT_FOUND: 'That could not be found.',
  INTERNAL: 'Something went wrong on the server. Try again in a moment.',
  NETWORK: 'The server cannot be reached. Check your connection and try again.',
};

/** One sentence each, saying that the session ended and why (the banner adds nothing to it). */
const END_REASON_TEXT: Readonly<Record<EndReason, string>> = {
  left: 'You left this chat.',
  replaced: 'Your session ended here: this chat was opened in another tab or window.',
  shutdown: 'Your session ended: the server restarted, and every room with it.',
  TOKEN_INVALID: 'Your session ended while you were offline; the server may have restarted.',
  SESSION_NOT_FOUND: 'Your session ended while you were offline.',
  IP_MISMATCH: 'Your session ended: your network address changed, so it cannot continue.',
  ORIGIN_REFUSED: 'Your session ended: this server does not accept connections from the address this page was opened at.',
};

/** The sentence a person reads for an error code of docs/protocol.md, or for 'NETWORK'. */
export function errorText(code: ErrorCode | 'NETWORK'): string {
  return ERROR_TEXT[code] ?? ERROR_TEXT.INTERNAL;
}

/** The chat banner's sentence for how and why a session ended. */
export function endReasonText(reason: EndReason): string {
  return END_REASON_TEXT[reason] ?? END_REASON_TEXT.SESSION_NOT_FOUND;
}

/** "one-minute": how long a blocked address waits at most, as an adjective. */
function waitAdjective(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? 'one-minute' : `${minutes}-minute`;
}

/** A wrong password, with the tries the server says are left before the failed-join wait (docs/protocol.md §4). */
export function wrongPasswordText(tries: number | undefined): string {
  if (tries === undefined) return ERROR_TEXT.BAD_CREDENTIALS;
  const wait = waitAdjective(FAILED_JOIN_WINDOW_MS);
  if (tries === 0) return `Wrong password. That was the last try for now: the next one comes after a ${wait} wait.`;
  return `Wrong password. ${tries} ${tries === 1 ? 'try' : 'tries'} left before a ${wait} wait.`;
}

/**
 * The sentence for anything a core service rejects with: an {@link ApiProblem} (a rate limit
 * says how long to wait when the server told us, a wrong password how many tries are left), a
 * {@link KdfRejectedError}, or anything else (a generic sentence; never the error's own message,
 * which is for developers).
 */
export function problemText(error: unknown): string {
  if (error instanceof ApiProblem) {
    const wait = error.retryAfterSeconds;
    if (error.code === 'RATE_LIMITED' && wait !== undefined && wait > 0) {
      const span = wait === 1 ? '1 second' : wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
      return `Too many attempts from your network; wait ${span} and try again.`;
    }
    if (error.code === 'BAD_CREDENTIALS') return wrongPasswordText(triesLeft(error));
    return errorText(error.code);
  }
  if (error instanceof KdfRejectedError) {
    return "This room's key settings are outside the safe range, so your browser refused to use them.";
  }
  return 'Something went wrong. Try again in a moment.';
}
