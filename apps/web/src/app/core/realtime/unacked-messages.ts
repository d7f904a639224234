import { ClientEvent, isObject, type MessageAck } from '@ciphernest/protocol';
import { type ApiProblem, isErrorCode, problemFor } from '../api/api-problem';
import type { ChatSocket } from './socket-factory';

/** What the server's ack gives a message: its place and its time in the room. */
export interface MessageStamp {
  seq: number;
  ts: number;
}

/**
 * How long a message's ack may take while connected: 15 s plus upload time at 128 kbit/s,
 * so a large image on a slow link is not given up on while it is still uploading.
 */
export function ackTimeoutMs(boxBytes: number): number {
  return 15_000 + Math.ceil(boxBytes / 16);
}

interface Unacked {
  id: string;
  box: Uint8Array;
  promise: Promise<MessageStamp>;
  resolve: (stamp: MessageStamp) => void;
  reject: (problem: ApiProblem) => void;
  /** The connection it was last emitted on; a new connection sends it again. */
  sentOn: number;
}

/**
 * Sealed messages waiting for their ack (docs/protocol.md §5). Each is emitted at once when online,
 * and again with the same id on every later connection until an ack settles it: the server
 * acknowledges a repeat with its first seq and does not relay it twice. An ack that times out
 * while connected keeps the message for the next connection.
 *
 * Security: boxes are opaque ciphertext; they are never logged.
 */
export class UnackedMessages {
  private readonly pending = new Map<string, Unacked>();
  /** Counts connections, so that each sends every message once. */
  private connection = 0;

  /**
   * Resolves with the ack's stamp; emits now on `online`, the socket when it is online.
   * Sending an id that is still pending returns the same promise.
   *
   * @throws ApiProblem with the refusal's code (VALIDATION_FAILED, PAYLOAD_TOO_LARGE,
   *   RATE_LIMITED, ...), or the problem given to {@link rejectAll}.
   */
  send(message: { id: string; box: Uint8Array }, online: ChatSocket | undefined): Promise<MessageStamp> {
    const pending = this.pending.get(message.id);
    if (pending !== undefined) return pending.promise;
    let resolve!: Unacked['resolve'];
    let reject!: Unacked['reject'];
    const promise = new Promise<MessageStamp>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    // A page torn down with messages in flight rejects them; that is no unhandled error.
    promise.catch(() => undefined);
    const unacked: Unacked = { id: message.id, box: message.box, promise, resolve, reject, sentOn: 0 };
    this.pending.set(message.id, unacked);
    if (online !== undefined) this.transmit(online, unacked);
    return promise;
  }

  /** A new connection is online: emits on it, in the order they were sent, what it has not carried. */
  resendOn(socket: ChatSocket): void {
    this.connection++;
    for (const unacked of this.pending.values()) {
      if (unacked.sentOn !== this.connection) this.transmit(socket, unacked);
    }
  }

  /** Rejects every pending message with `problem` and forgets them. */
  rejectAll(problem: ApiProblem): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const unacked of pending) unacked.reject(problem);
  }

  private transmit(socket: ChatSocket, unacked: Unacked): void {
    unacked.sentOn = this.connection;
    socket
      .timeout(ackTimeoutMs(unacked.box.byteLength))
      .emitWithAck(ClientEvent.Message, { id: unacked.id, box: unacked.box })
      .then(
        (ack: MessageAck) => this.settle(unacked, ack),
        // Disconnected or timed out: it stays pending and goes again on the next connection.
        () => undefined,
      );
  }

  private settle(unacked: Unacked, ack: unknown): void {
    if (this.pending.get(unacked.id) !== unacked) return;
    this.pending.delete(unacked.id);
    if (isObject(ack) && ack['ok'] === true && typeof ack['seq'] === 'number' && typeof ack['ts'] === 'number') {
      unacked.resolve({ seq: ack['seq'], ts: ack['ts'] });
      return;
    }
    const error = isObject(ack) && isObject(ack['error']) ? ack['error'] : {};
    const code = isErrorCode(error['code']) ? error['code'] : 'INTERNAL';
    unacked.reject(problemFor(code, typeof error['message'] === 'string' ? error['message'] : undefined));
  }
}
