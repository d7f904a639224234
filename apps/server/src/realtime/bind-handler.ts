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

/** What runs for one client event: the socket it came on, its payload and its ack. */
export type SocketEventHandler<S extends Socket> = (socket: S, payload: unknown, ack: AckFn | undefined) => Awaitable<unknown>;

/**
 * One listener for a client event, shared by every socket: `socket.on(event, listener)` calls it
 * with the socket as `this`, so a connected member costs no closure per event. Nest's per-socket
 * RxJS pipeline (@SubscribeMessage) cost about 13 KiB of heap per connected member and a fifth of
 * the relay's CPU (docs/benchmarks.md), a closure per socket and event about 0.1 KiB more. Keeps
 * Nest's payload convention (a trailing function is the ack; one other argument is the payload,
 * several arrive as an array) and answers the ack with what the handler returns: at once when it
 * returns a value (the message path with the in-memory store creates no promise), once settled
 * when it returns a promise; nothing for undefined. A throw goes to `failed` and is answered
 * INTERNAL; the payload is never echoed.
 */
export function socketListener<S extends Socket>(handler: SocketEventHandler<S>, failed: (error: unknown) => void): (this: S, ...args: unknown[]) => void {
  return function listener(this: S, ...args: unknown[]): void {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn) : undefined;
    const payload = args.length <= 1 ? args[0] : args;
    let answer: Awaitable<unknown>;
    try {
      answer = handler(this, payload, ack);
    } catch (error) {
      answerFailure(error, ack, failed);
      return;
    }
    if (answer instanceof Promise) answer.then((value) => answerAck(value, ack), (error: unknown) => answerFailure(error, ack, failed));
    else answerAck(answer, ack);
  };
}

/**
 * An event the protocol does not know is refused in its ack rather than left unanswered.
 * Runs for every event: a known one returns before any array is built.
 */
export function refuseUnknownEvents(socket: Socket): void {
  socket.onAny(unknownEvent);
}

/** refuseUnknownEvents' listener, one for every socket. */
function unknownEvent(event: unknown): void {
  if (CLIENT_EVENTS.has(event)) return;
  // eslint-disable-next-line prefer-rest-params
  const ack: unknown = arguments[arguments.length - 1];
  if (typeof ack === 'function') (ack as AckFn)(socketRefusal('VALIDATION_FAILED', 'Unknown event.'));
}
