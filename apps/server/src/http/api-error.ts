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

  toBody(): ErrorBody {
    const body: ErrorBody = { statusCode: this.status, code: this.code, message: this.message };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}
