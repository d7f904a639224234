import type { Socket } from 'socket.io';

interface EnginePacket {
  data?: unknown;
}

interface EngineSocket {
  on(event: 'packetCreate', listener: (packet: EnginePacket) => void): void;
  on(event: 'flush', listener: () => void): void;
  close(discard: boolean): void;
  transport: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

function packetBytes(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * docs/protocol.md §5's slow-consumer rule: when a packet is about to be queued for a socket that
 * already has more than `maxBufferedBytes` waiting in this process (Engine.IO's write buffer,
 * counted as packets are queued and flushed, plus what the WebSocket has not yet handed to the
 * operating system), `onSlow` runs once. O(1) per packet; the socket's own send path is per
 * member anyway.
 */
export function watchSlowConsumer(socket: Socket, maxBufferedBytes: number, onSlow: (bufferedBytes: number) => void): void {
  const engine = socket.conn as unknown as EngineSocket;
  let queued = 0;
  let tripped = false;
  engine.on('flush', () => {
    queued = 0;
  });
  engine.on('packetCreate', (packet) => {
    if (tripped) return;
    const buffered = queued + (engine.transport.socket?.bufferedAmount ?? 0);
    if (buffered > maxBufferedBytes) {
      tripped = true;
      onSlow(buffered);
      return;
    }
    queued += packetBytes(packet);
  });
}

/**
 * Closes a socket at once and drops everything queued for it: Engine.IO's write buffer is
 * discarded and the WebSocket is terminated rather than closed politely behind its backlog.
 */
export function dropConnection(socket: Socket): void {
  const engine = socket.conn as unknown as EngineSocket;
  const webSocket = engine.transport.socket;
  engine.close(true);
  webSocket?.terminate?.();
}
