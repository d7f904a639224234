import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ERROR_MESSAGES } from '@ciphernest/protocol';

/**
 * A handler that throws answers its ack (if any) with INTERNAL and logs the error; unlike
 * Nest's default it never echoes the payload back and never emits an `exception` event.
 */
@Catch()
export class QuietWsExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    this.logger.error({ event: 'socket.error', err: exception }, 'unexpected error in a socket handler');
    const ack = host.getArgs().find((arg: unknown) => typeof arg === 'function') as ((answer: unknown) => void) | undefined;
    ack?.({ ok: false, error: { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL } });
  }
}
