import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, mergeMap, type Observable } from 'rxjs';
import { roomKeyOf, type BadCredentialsDetails } from '@ciphernest/protocol';
import { FailedJoinLimiter } from '../membership/application/failed-join-limiter';
import { ChatMetrics } from '../metrics/chat-metrics';
import { ApiError } from './api-error';
import type { AddressedRequest } from './client-address.middleware';

const FAILED_JOINS = 'ciphernest:failed-joins';

/** Puts a join route (`:room` in its path) under the failed-join limit: see FailedJoinInterceptor. */
export const LimitFailedJoins = () => SetMetadata(FAILED_JOINS, true);

function isBadCredentials(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'BAD_CREDENTIALS';
}

/**
 * RATE_FAILED_JOINS_PER_MIN per (address key, room), docs/protocol.md §4: a join takes a slot before
 * its body is read or its verifier checked, and gives it back before answering unless the answer
 * is BAD_CREDENTIALS. So no more wrong-password answers are ever given than the limit, however
 * many guesses arrive at once, and while every slot is held even the right password is refused.
 * A BAD_CREDENTIALS answer carries `details: { triesLeft }`, the slots that were still free once
 * this join took its own (absent while the limit is off).
 * Bound before ReadableBodyInterceptor, so that a blocked join is refused before validation.
 */
@Injectable()
export class FailedJoinInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly failures: FailedJoinLimiter,
    private readonly metrics: ChatMetrics,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (!this.reflector.get<boolean | undefined>(FAILED_JOINS, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<Request & AddressedRequest>();
    const roomKey = roomKeyOf(request.params['room']);
    if (roomKey === undefined) return next.handle();
    const attempt = await this.failures.attempt(FailedJoinLimiter.key(request.addressKey, roomKey));
    if (!attempt.ok) {
      this.metrics.joinLockedOut();
      const retryAfter = Math.ceil(attempt.retryAfterMs / 1000);
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', Math.max(1, retryAfter));
      throw new ApiError('RATE_LIMITED', 'Too many failed attempts to join this room; wait a minute and try again.');
    }
    return next.handle().pipe(
      catchError(async (error: unknown) => {
        if (!isBadCredentials(error)) {
          await attempt.release();
          throw error;
        }
        if (attempt.left === undefined) throw error;
        const details: BadCredentialsDetails = { triesLeft: attempt.left };
        throw new ApiError(error.code, error.message, details);
      }),
      mergeMap(async (answer: unknown) => {
        await attempt.release();
        return answer;
      }),
    );
  }
}
