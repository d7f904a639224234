import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Request, Response } from 'express';
import type { ErrorCode } from '@ciphernest/protocol';
import { assignRequestId } from '../logging/request-id';
import { LogAddress } from '../logging/log-address';
import { ChatMetrics } from '../metrics/chat-metrics';
import { ApiError } from './api-error';
import type { AddressedRequest } from './client-address.middleware';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
};

function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  if (exception instanceof HttpException) {
    const code = CODE_BY_STATUS[exception.getStatus()];
    if (code) return new ApiError(code);
  }
  return new ApiError('INTERNAL');
}

/**
 * Every HTTP error leaves as `{ statusCode, code, message, requestId }` (docs/protocol.md §4),
 * `requestId` being the one in the `X-Request-ID` header and the log; stack traces stay in the log.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly logger: PinoLogger,
    private readonly addresses: LogAddress,
    private readonly metrics: ChatMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const request = http.getRequest<Request & Partial<AddressedRequest>>();
    const response = http.getResponse<Response>();
    const error = toApiError(exception);
    this.metrics.rejected(error.code, 'http');
    if (error.code === 'INTERNAL') {
      this.logger.error({ event: 'http.error', err: exception, path: request.path }, 'unexpected error');
    } else if (error.code === 'RATE_LIMITED') {
      const ip = request.clientAddress && this.addresses.format(request.clientAddress);
      this.logger.warn({ event: 'rate.limited', ip, path: request.path, method: request.method }, 'rate limit hit');
    }
    if (response.headersSent) return;
    response.status(error.status).json(error.toBody(assignRequestId(request, response)));
  }
}
