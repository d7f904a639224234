import { ERROR_MESSAGES, type ErrorCode } from '@ciphernest/protocol';

/** A refusing ack of docs/protocol.md §5. */
export interface SocketRefusal {
  ok: false;
  error: { code: ErrorCode; message: string };
}

export function socketRefusal(code: ErrorCode, message = ERROR_MESSAGES[code]): SocketRefusal {
  return { ok: false, error: { code, message } };
}
