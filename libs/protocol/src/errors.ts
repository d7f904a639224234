/** Every error code of docs/protocol.md, HTTP and real-time alike. */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  RoomExists: 'ROOM_EXISTS',
  RoomNotFound: 'ROOM_NOT_FOUND',
  RoomFull: 'ROOM_FULL',
  UsernameTaken: 'USERNAME_TAKEN',
  BadCredentials: 'BAD_CREDENTIALS',
  TokenInvalid: 'TOKEN_INVALID',
  SessionNotFound: 'SESSION_NOT_FOUND',
  IpMismatch: 'IP_MISMATCH',
  OriginRefused: 'ORIGIN_REFUSED',
  RateLimited: 'RATE_LIMITED',
  Capacity: 'CAPACITY',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  NotFound: 'NOT_FOUND',
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP status that goes with each code (docs/protocol.md §4). */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  ROOM_EXISTS: 409,
  ROOM_NOT_FOUND: 404,
  ROOM_FULL: 409,
  USERNAME_TAKEN: 409,
  BAD_CREDENTIALS: 401,
  TOKEN_INVALID: 401,
  SESSION_NOT_FOUND: 401,
  IP_MISMATCH: 403,
  ORIGIN_REFUSED: 403,
  RATE_LIMITED: 429,
  CAPACITY: 503,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

/** Plain sentences for each code; clients may show their own. */
export const ERROR_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'The request is not valid.',
  ROOM_EXISTS: 'A room with this name, or one that looks the same, already exists.',
  ROOM_NOT_FOUND: 'There is no room with this name.',
  ROOM_FULL: 'This room is full.',
  USERNAME_TAKEN: 'This username, or one that looks the same, is already taken in this room.',
  BAD_CREDENTIALS: 'The password is not right for this room.',
  TOKEN_INVALID: 'The session token is not valid.',
  SESSION_NOT_FOUND: 'This session has ended.',
  IP_MISMATCH: 'This session belongs to another network address.',
  ORIGIN_REFUSED: 'Requests from this origin are not allowed.',
  RATE_LIMITED: 'Too many requests; wait a moment and try again.',
  CAPACITY: 'The server cannot take more rooms right now.',
  PAYLOAD_TOO_LARGE: 'The request is too large.',
  NOT_FOUND: 'Not found.',
  INTERNAL: 'Something went wrong on the server.',
};

/** The body of every HTTP error, and the `error` of a failed ack. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
  /**
   * The HTTP request's id, as in its `X-Request-ID` response header and the server's log, so a
   * person reporting the error can quote it. Only on HTTP answers (acks carry none).
   */
  requestId?: string;
}

/**
 * The `details` of a `BAD_CREDENTIALS` answer (docs/protocol.md §4): how many more wrong
 * passwords this address may try at this room, within {@link FAILED_JOIN_WINDOW_MS}, before
 * every join is refused `RATE_LIMITED`. Absent while the failed-join limit is off.
 */
export interface BadCredentialsDetails {
  triesLeft: number;
}
