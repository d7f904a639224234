import type { Socket } from 'socket.io';
import type { ClientEvent } from '@ciphernest/protocol';
import type { Awaitable } from '../shared/awaitable';
import { socketRefusal } from './socket-refusal';

export type AckFn = (answer: unknown) => void;

export type SocketHandler = (payload: unknown, ack: AckFn | undefined) => Awaitable<unknown>;

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

/** A listener made by socketListener, called with the socket as `this`. */
export type SharedListener<S extends Socket> = (this: S, ...args: unknown[]) => void;

/**
 * The one listener of a socket (Socket.IO's `onAny`, shared by every socket): a client event the
 * protocol knows goes to its handler, any other is refused in its ack rather than left
 * unanswered. One entry per socket instead of one listener per event in the socket's listener
 * dictionary, which cost 0.24 KiB of heap per connected member (docs/benchmarks.md). `onAny`
 * runs as the packet is read, before Socket.IO's own dispatch (which has no listener to call).
 */
export function socketEvents<S extends Socket>(handlers: Readonly<Record<(typeof ClientEvent)[keyof typeof ClientEvent], SharedListener<S>>>): (this: S, event: unknown, ...args: unknown[]) => void {
  const known = new Map<unknown, SharedListener<S>>(Object.entries(handlers));
  return function onEvent(this: S, event: unknown, ...args: unknown[]): void {
    const handler = known.get(event);
    if (handler) {
      handler.apply(this, args);
      return;
    }
    const ack = args[args.length - 1];
    if (typeof ack === 'function') (ack as AckFn)(socketRefusal('VALIDATION_FAILED', 'Unknown event.'));
  };
}
