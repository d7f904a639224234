import type { Socket } from 'socket.io';
import { ClientEvent } from '@ciphernest/protocol';
import type { Awaitable } from '../shared/awaitable';
import { socketRefusal } from './socket-refusal';

export type AckFn = (answer: unknown) => void;

export type SocketHandler = (payload: unknown, ack: AckFn | undefined) => Awaitable<unknown>;

const CLIENT_EVENTS = new Set<unknown>(Object.values(ClientEvent));

function answerAck(answer: unknown, ack: AckFn | undefined): void {
  if (answer !== undefined && answer !== null) ack?.(answer);
}

function answerFailure(error: unknown, ack: AckFn | undefined, failed: (error: unknown) => void): void {
  failed(error);
  ack?.(socketRefusal('INTERNAL'));
}

/**
 * Runs `handler` for every `event` on the socket, bound directly on it: Nest's per-socket RxJS
 * pipeline (@SubscribeMessage) cost about 13 KiB of heap per connected member and a fifth of the
 * relay's CPU (docs/benchmarks.md). Keeps Nest's payload convention (a trailing function is the
 * ack; one other argument is the payload, several arrive as an array) and answers the ack with
 * what the handler returns: at once when it returns a value (the message path with the in-memory
 * store creates no promise), once settled when it returns a promise; nothing for undefined. A
 * throw goes to `failed` and is answered INTERNAL; the payload is never echoed.
 */
export function bindHandler(socket: Socket, event: string, handler: SocketHandler, failed: (error: unknown) => void): void {
  socket.on(event, (...args: unknown[]) => {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn) : undefined;
    const payload = args.length <= 1 ? args[0] : args;
    let answer: Awaitable<unknown>;
    try {
      answer = handler(payload, ack);
    } catch (error) {
      answerFailure(error, ack, failed);
      return;
    }
    if (answer instanceof Promise) answer.then((value) => answerAck(value, ack), (error: unknown) => answerFailure(error, ack, failed));
    else answerAck(answer, ack);
  });
}

/**
 * An event the protocol does not know is refused in its ack rather than left unanswered.
 * Runs for every event: a known one returns before any array is built.
 */
export function refuseUnknownEvents(socket: Socket): void {
  socket.onAny(function unknownEvent(event: unknown) {
    if (CLIENT_EVENTS.has(event)) return;
    // eslint-disable-next-line prefer-rest-params
    const ack: unknown = arguments[arguments.length - 1];
    if (typeof ack === 'function') (ack as AckFn)(socketRefusal('VALIDATION_FAILED', 'Unknown event.'));
  });
}
