import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import type { Namespace } from 'socket.io';
import { ERROR_MESSAGES, isObject, type ErrorCode } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from '../logging/request-id';
import { AuthenticateSession } from '../membership/application/authenticate-session.use-case';
import { Clock } from '../shared/clock';
import { addressKey, clientAddress } from '../shared/client-address';
import { socketRooms } from './socket-rooms';
import type { ChatSocket } from './chat-socket';
import { SocketReport } from './socket-report';
import { TokenBucket } from './token-bucket';

const CONNECTS_WINDOW_MS = 60_000;

/** What a socket's handshake auth becomes once read: the token is not kept for the connection's life. */
const READ_AUTH: Readonly<Record<string, never>> = Object.freeze({});

/** A `resume` (docs/protocol.md §5.1): an integer from 0 to 2^53-1. */
function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A refused handshake: Socket.IO sends the client `connect_error` with `data: { code }`. */
class HandshakeRefusal extends Error {
  readonly data: { code: ErrorCode };

  constructor(code: ErrorCode) {
    super(ERROR_MESSAGES[code]);
    this.data = { code };
  }
}

/**
 * Who may join /chat (docs/protocol.md §4-5), checked in this order: the connect rate per address
 * key (RATE_CONNECTS_PER_MIN, shared by every process with Redis), a `resume` where there is one
 * (VALIDATION_FAILED unless it is a seq, §5.1), the token (through
 * AuthenticateSession, bound to the client address). The Origin was checked before, at the
 * Engine.IO handshake (EngineAdmission): a foreign one never gets this far. An admitted socket
 * gets its ChatSocketData.
 * Security: the token is a secret; it is never logged.
 */
@Injectable()
export class SocketHandshake {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly authenticate: AuthenticateSession,
    @InjectThrottlerStorage() private readonly throttlerStorage: ThrottlerStorage,
    private readonly report: SocketReport,
  ) {}

  /** Every socket of the namespace passes here before it connects. */
  guard(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.admit(socket as ChatSocket).then(
        () => next(),
        (error: unknown) => next(error instanceof HandshakeRefusal ? error : new HandshakeRefusal('TOKEN_INVALID')),
      );
    });
  }

  private async admit(socket: ChatSocket): Promise<void> {
    const address = clientAddress(socket.request, this.config.trustProxy);
    const ip = this.report.ip(address);
    const requestId = requestIdOf(socket.request);
    const refuse = (code: ErrorCode): never => {
      this.report.handshakeRefused(ip, code, requestId);
      throw new HandshakeRefusal(code);
    };
    if (await this.connectRateExceeded(address)) {
      this.report.handshakeRateLimited(ip, 'connects', requestId);
      throw new HandshakeRefusal('RATE_LIMITED');
    }
    const auth: unknown = socket.handshake.auth;
    const resume = isObject(auth) && Object.hasOwn(auth, 'resume') ? auth['resume'] : undefined;
    if (resume !== undefined && !isSeq(resume)) return refuse('VALIDATION_FAILED');
    const token = isObject(auth) ? auth['token'] : undefined;
    const session = await this.authenticate.execute(token, address);
    // The token (a secret, and 0.2 KiB a member) is not needed again: nothing keeps it from here.
    socket.handshake.auth = READ_AUTH;
    if (!session.ok) return refuse(session.code);
    const { id, roomKey, name } = session.value;
    const { rateMessagesPerSec, rateMessagesBurst } = this.config.limits;
    socket.data = {
      sessionId: id,
      roomKey,
      room: roomKey,
      name,
      ip,
      bucket: new TokenBucket(rateMessagesPerSec, rateMessagesBurst, this.clock),
      ready: Promise.resolve(false),
      attached: undefined,
      socketRoom: socketRooms.ofRoom(roomKey),
      resume,
      requestId,
    };
  }

  private async connectRateExceeded(address: string): Promise<boolean> {
    const limit = this.config.limits.rateConnectsPerMin;
    if (limit === 0) return false;
    const key = `connects:${addressKey(address, this.config.perAddress.ipv6PrefixLength)}`;
    const record = await this.throttlerStorage.increment(key, CONNECTS_WINDOW_MS, limit, CONNECTS_WINDOW_MS, 'connects');
    return record.isBlocked;
  }
}
