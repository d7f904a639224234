import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { ErrorCode } from '@ciphernest/protocol';
import { LogAddress } from '../logging/log-address';
import { ChatMetrics } from '../metrics/chat-metrics';
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

  handshakeRefused(ip: string | undefined, code: ErrorCode): void {
    this.logger.info({ event: 'socket.rejected', ip, reason: code }, 'connection refused');
    this.metrics.rejected(code, 'handshake');
  }

  handshakeRateLimited(ip: string | undefined, limit: 'connects' | 'connections'): void {
    this.logger.warn({ event: 'rate.limited', ip, limit }, 'rate limit hit');
    this.metrics.rejected('RATE_LIMITED', 'handshake');
  }

  connected({ room, name, ip }: ChatSocketData, arrival: Arrival): void {
    this.logger.info({ event: 'socket.connected', room, user: name, ip, arrival: arrival.kind }, 'socket connected');
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
