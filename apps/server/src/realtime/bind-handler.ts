import type { Socket } from 'socket.io';
import type { ClientEvent } from '@ciphernest/protocol';
import type { Awaitable } from '../shared/awaitable';
import { socketRefusal } from './socket-refusal';

export type AckFn = (answer: unknown) => void;

function answerAck(answer: unknown, ack: AckFn | undefined): void {
  if (answer !== undefined && answer !== null) ack?.(answer);
}

function answerFailure(error: unknown, ack: AckFn | undefined, failed: (error: unknown) => void): void {
  failed(error);
  ack?.(socketRefusal('INTERNAL'));
}

/** What runs for one client event: the socket it came on, its payload and its ack. */
export type SocketEventHandler<S extends Socket> = (socket: S, payload: unknown, ack: AckFn | undefined) => Awaitable<unknown>;

/** The client events of docs/protocol.md §5. */
type ClientEventName = (typeof ClientEvent)[keyof typeof ClientEvent];

/**
 * The one listener of every socket (Socket.IO's `onAny`, shared by all sockets: the socket is
 * `this`), so a connected member costs no closure per event and no entry per event in its
 * listener dictionary (that cost 0.29 KiB a member; Nest's per-socket RxJS pipeline of
 * @SubscribeMessage about 13 KiB and a fifth of the relay's CPU: docs/benchmarks.md). `onAny`
 * runs as the packet is read, before Socket.IO's own dispatch, which has no listener to call.
 *
 * A client event the protocol knows goes to its handler; any other is refused in its ack rather
 * than left unanswered. Keeps Nest's payload convention (a trailing function is the ack; one
 * other argument is the payload, several arrive as an array) and answers the ack with what the
 * handler returns: at once when it returns a value (the message path with the in-memory store
 * creates no promise), once settled when it returns a promise; nothing for undefined. A throw
 * goes to `failed` and is answered INTERNAL; the payload is never echoed.
 */
export function socketEvents<S extends Socket>(
  handlers: Readonly<Record<ClientEventName, SocketEventHandler<S>>>,
  failed: (error: unknown) => void,
): (this: S, event: unknown, ...args: unknown[]) => void {
  const known = new Map<unknown, SocketEventHandler<S>>(Object.entries(handlers));
  return function onEvent(this: S, event: unknown, ...args: unknown[]): void {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn) : undefined;
    const handler = known.get(event);
    if (!handler) {
      ack?.(socketRefusal('VALIDATION_FAILED', 'Unknown event.'));
      return;
    }
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
