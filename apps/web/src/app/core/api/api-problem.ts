import { type BadCredentialsDetails, ERROR_MESSAGES, ErrorCode, HTTP_STATUS, isObject } from '@ciphernest/protocol';

/** A code the app can show a sentence for: one of docs/protocol.md's codes, or 'NETWORK' when no answer came. */
export type ProblemCode = ErrorCode | 'NETWORK';

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** True for the error codes docs/protocol.md defines (not 'NETWORK'). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/**
 * A refused or failed request: the server's error code (docs/protocol.md §4-5), or 'NETWORK' when
 * the server could not be reached or answered with something that is not CipherNest's error
 * body. `status` is the HTTP status (0 when there was none). `message` is for developers;
 * people read `errorText(code)`. `requestId` is the answer's request id (its body's `requestId`,
 * or its `X-Request-ID` header when a proxy answered), shown as "Reference: <id>" so that a
 * person can quote it to the server's admin; there is none when no answer came.
 */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';

  constructor(
    readonly code: ProblemCode,
    readonly status: number,
    message: string,
    /** From a `Retry-After` header, when the server sent one. */
    readonly retryAfterSeconds?: number,
    /** The request id the server or proxy gave this request (docs/protocol.md §4), to quote as a reference. */
    readonly requestId?: string,
    /** The error body's `details`, when the server sent any (docs/protocol.md §4). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * A refusal that came without an HTTP answer (a Socket.IO ack or handshake): it carries the
 * status the code has over HTTP, and the protocol's message unless the server sent its own.
 */
export function problemFor(code: ErrorCode, message: string = ERROR_MESSAGES[code]): ApiProblem {
  return new ApiProblem(code, HTTP_STATUS[code], message);
}

/** For a BAD_CREDENTIALS refusal: how many wrong passwords are left before the wait, when the server said. */
export function triesLeft(problem: ApiProblem): number | undefined {
  if (problem.code !== 'BAD_CREDENTIALS' || !isObject(problem.details)) return undefined;
  const tries = (problem.details as Partial<BadCredentialsDetails>).triesLeft;
  return typeof tries === 'number' && Number.isSafeInteger(tries) && tries >= 0 ? tries : undefined;
}
