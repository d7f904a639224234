import { Decoder, Encoder, PacketType, protocol } from 'socket.io-parser';
import { ERROR_MESSAGES, ErrorCode, TRANSPORT_OVERHEAD_BYTES } from '@ciphernest/protocol';

/**
 * The longest text part of a packet that announces a binary attachment. A `message` carries its
 * `box` as the attachment; everything else of it (id, placeholder, ignored extras) must fit in
 * the transport's allowance beyond the box (docs/protocol.md §5: `MAX_MESSAGE_BYTES` plus 64 KiB).
 * This text is held until its attachment arrives, so it is kept small.
 */
export const MAX_BINARY_HEADER_CHARS = TRANSPORT_OVERHEAD_BYTES;

const BINARY_TYPES = new Set([String(PacketType.BINARY_EVENT), String(PacketType.BINARY_ACK)]);

/** Whether an Engine.IO message is the text part of a Socket.IO packet that announces attachments. */
export function announcesAttachments(data: unknown): data is string {
  return typeof data === 'string' && BINARY_TYPES.has(data.charAt(0));
}

/**
 * Socket.IO's decoder with at most one binary attachment per packet (a `message` has exactly
 * one: its box) instead of the default ten, and a bound on the text that announces it. Without
 * them one socket could make the server hold ten attachments of the transport limit each.
 * A packet over either bound throws, and Socket.IO closes the connection.
 */
class SingleAttachmentDecoder extends Decoder {
  constructor() {
    super({ maxAttachments: 1 });
  }

  override add(obj: unknown): void {
    if (announcesAttachments(obj) && obj.length > MAX_BINARY_HEADER_CHARS) throw new Error('binary packet header too long');
    super.add(obj);
  }
}

/** What Socket.IO answers a CONNECT to a namespace that does not exist, before any middleware could. */
const INVALID_NAMESPACE = 'Invalid namespace';

/**
 * Socket.IO's encoder, but a refused CONNECT to a namespace that does not exist carries
 * `NOT_FOUND` as docs/protocol.md §5 asks (`connect_error` with `data: { code }`), like the default
 * namespace's refusal. Socket.IO writes that answer itself, with no hook before it; rewriting it
 * here creates no namespace per name tried (a dynamic namespace would, with an adapter each).
 */
class NotFoundNamespaceEncoder extends Encoder {
  override encode(packet: Parameters<Encoder['encode']>[0]): ReturnType<Encoder['encode']> {
    const data: unknown = packet.data;
    const invalidNamespace =
      packet.type === PacketType.CONNECT_ERROR && typeof data === 'object' && data !== null && (data as { message?: unknown }).message === INVALID_NAMESPACE;
    if (!invalidNamespace) return super.encode(packet);
    return super.encode({ ...packet, data: { message: ERROR_MESSAGES.NOT_FOUND, data: { code: ErrorCode.NotFound } } });
  }
}

/**
 * The `parser` option of the Socket.IO server: the decoder bounded to one attachment, and the
 * encoder that answers unknown namespaces with NOT_FOUND.
 */
export const chatSocketParser = { protocol, PacketType, Encoder: NotFoundNamespaceEncoder, Decoder: SingleAttachmentDecoder };
