import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { ErrorCode } from '@ciphernest/protocol';
import { LogAddress } from '../logging/log-address';
import { ChatMetrics } from '../metrics/chat-metrics';
import type { Replay } from '../membership/application/ports/message-replay';
import type { Arrival } from '../membership/domain/session';
import type { ChatSocketData } from './chat-socket';

/**
 * What the real-time channel tells the log and the metrics, in one place: every event name and
 * field the channel logs (docs/logging.md), and its refusals counted by code. Never a token, a
 * vault or a box.
 */
@Injectable()
export class SocketReport {
  constructor(
    private readonly logger: PinoLogger,
    private readonly metrics: ChatMetrics,
    private readonly addresses: LogAddress,
  ) {}

  /** A client address as the log shows it (LOG_IP). */
  ip(address: string): string | undefined {
    return this.addresses.format(address);
  }

  /** `reqId`: the id of the Engine.IO handshake's HTTP request (request-id.ts), as nginx logged it. */
  handshakeRefused(ip: string | undefined, code: ErrorCode, reqId: string): void {
    this.logger.info({ event: 'socket.rejected', reqId, ip, reason: code }, 'connection refused');
    this.metrics.rejected(code, 'handshake');
  }

  handshakeRateLimited(ip: string | undefined, limit: 'connects' | 'connections', reqId: string): void {
    this.logger.warn({ event: 'rate.limited', reqId, ip, limit }, 'rate limit hit');
    this.metrics.rejected('RATE_LIMITED', 'handshake');
  }

  /** `replayed`: how many held messages the resume sent (docs/protocol.md §5.1); a `missed` range is a warning of its own. */
  connected({ room, name, ip, resume, requestId }: ChatSocketData, arrival: Arrival, replay: Replay | undefined): void {
    const replayed = replay?.messages.length ?? 0;
    this.logger.info({ event: 'socket.connected', reqId: requestId, room, user: name, ip, arrival: arrival.kind, resume, replayed }, 'socket connected');
    const missed = replay?.missed;
    const count = missed ? missed.to - missed.from + 1 : 0;
    if (missed) {
      this.logger.warn({ event: 'room.messages_missed', room, user: name, from: missed.from, to: missed.to, count }, 'messages were no longer held for a resuming member');
    }
    this.metrics.resumed(replayed, count);
  }

  disconnected({ room, name, ip }: ChatSocketData, reason: string): void {
    this.logger.info({ event: 'socket.disconnected', room, user: name, ip, reason }, 'socket disconnected');
  }

  detachFailed(error: unknown): void {
    this.logger.error({ event: 'socket.error', err: error }, 'turning a session away failed');
  }

  handlerFailed(error: unknown): void {
    this.logger.error({ event: 'socket.error', err: error }, 'unexpected error in a socket handler');
  }

  slowConsumer({ room, name, ip }: ChatSocketData, bytes: number): void {
    this.logger.warn({ event: 'socket.slow_consumer', room, user: name, ip, bytes }, 'socket closed: too much data waiting for a slow reader');
    this.metrics.slowConsumer();
  }

  messageRateLimited({ room, name }: ChatSocketData): void {
    this.logger.debug({ event: 'message.rate_limited', room, user: name }, 'message refused');
  }

  messageRefused(code: ErrorCode): void {
    this.metrics.rejected(code, 'message');
  }

  /** Runs once per relayed message: the debug line is built only when debug is on. */
  messageRelayed({ room, name }: ChatSocketData, seq: number, bytes: number): void {
    this.metrics.messageRelayed(bytes);
    if (this.logger.logger.isLevelEnabled('debug')) {
      this.logger.debug({ event: 'message.relayed', room, user: name, seq, bytes }, 'message relayed');
    }
  }
}
