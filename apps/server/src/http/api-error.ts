import { ERROR_MESSAGES, HTTP_STATUS, type ErrorBody, type ErrorCode } from '@ciphernest/protocol';

/** An expected failure on its way to the client as docs/protocol.md's error body. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_MESSAGES[code],
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }

  /** The error body; `requestId` is the HTTP request's id (X-Request-ID), so a person can quote it. */
  toBody(requestId?: string): ErrorBody {
    const body: ErrorBody = { statusCode: this.status, code: this.code, message: this.message };
    if (this.details !== undefined) body.details = this.details;
    if (requestId !== undefined) body.requestId = requestId;
    return body;
  }
}
