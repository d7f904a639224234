import type { RelayedMessage } from '@ciphernest/protocol';

/**
 * A relayed message as the DELIVER script publishes it on `cn:messages` and holds it in the
 * room's `held` hash (redis-message-delivery.ts): `seq "\n" ts "\n" JSON RelayHeader "\n" box`.
 */
export interface RelayPayload {
  roomKey: string;
  /** The sender's socket, which gets the ack and never the relay. */
  senderSocketId: string;
  /** Exactly the relayed fields. Security: the box is opaque ciphertext; never inspect or log it. */
  message: RelayedMessage;
}

/** The JSON line of a payload, besides its seq, ts and box. */
interface RelayHeader {
  roomKey: string;
  /** The message id. */
  id: string;
  /** The sender's name, as members see it. */
  from: string;
  senderSocketId: string;
}

const NEWLINE = 0x0a;

/** The header of a relayed message, or a throw for one this version cannot read (another version's). */
function readHeader(parsed: unknown): RelayHeader {
  const header = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const { roomKey, id, from, senderSocketId } = header;
  if (typeof roomKey !== 'string' || typeof id !== 'string' || typeof from !== 'string' || typeof senderSocketId !== 'string') {
    throw new Error('a relayed message whose header lacks roomKey, id, from or senderSocketId');
  }
  return { roomKey, id, from, senderSocketId };
}

/** Reads a payload (the box is a view into it, not a copy); throws for one this version cannot read. */
export function readRelayPayload(payload: Buffer): RelayPayload {
  const first = payload.indexOf(NEWLINE);
  const second = payload.indexOf(NEWLINE, first + 1);
  const third = payload.indexOf(NEWLINE, second + 1);
  if (first < 0 || second < 0 || third < 0) throw new Error('a relayed message without its three header lines');
  const seq = Number(payload.toString('latin1', 0, first));
  const ts = Number(payload.toString('latin1', first + 1, second));
  const { roomKey, id, from, senderSocketId } = readHeader(JSON.parse(payload.toString('utf8', second + 1, third)));
  return { roomKey, senderSocketId, message: { id, from, ts, seq, box: payload.subarray(third + 1) } };
}
