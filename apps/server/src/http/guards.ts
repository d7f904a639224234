import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, mergeMap, type Observable } from 'rxjs';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { roomKeyOf } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { OriginPolicy } from '../shared/origin-policy';
import { FailedJoinLimiter } from '../membership/application/failed-join-limiter';
import { ApiError } from './api-error';
import type { AddressedRequest } from './client-address.middleware';
import type { BodyCarryingRequest } from './json-body.middleware';

/**
 * First check of PROTOCOL.md §4, on every /api route and method: a request from a foreign
 * Origin, or one the browser marks as cross-site (Sec-Fetch-Site), is refused before it counts
 * toward any rate limit, so a foreign page cannot spend a visitor's look-ups (issue 11).
 */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly policy: OriginPolicy;

  constructor(config: AppConfig) {
    this.policy = new OriginPolicy(config.allowedOrigins, config.trustProxy);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.policy.allowsApiRequest(request)) return true;
    const message = request.headers.origin === undefined ? 'Requests from other sites are refused.' : undefined;
    throw new ApiError('ORIGIN_REFUSED', message);
  }
}

export type RateBucket = 'creates' | 'joins' | 'lookups';
export const RATE_BUCKET = 'ciphernest:rate-bucket';

/** Puts a route under one of the per-address limits of PROTOCOL.md §7. */
export const RateLimit = (bucket: RateBucket) => SetMetadata(RATE_BUCKET, bucket);

/**
 * @nestjs/throttler keyed by the client's address key (an IPv6 address counts by its network);
 * every request counts, except one it refuses.
 */
@Injectable()
export class AddressThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return (request as unknown as AddressedRequest).addressKey;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', Math.max(1, detail.timeToBlockExpire));
    throw new ApiError('RATE_LIMITED');
  }
}

const FAILED_JOINS = 'ciphernest:failed-joins';

/** Puts a join route (`:room` in its path) under the failed-join limit: see FailedJoinInterceptor. */
export const LimitFailedJoins = () => SetMetadata(FAILED_JOINS, true);

function isBadCredentials(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'BAD_CREDENTIALS';
}

/**
 * RATE_FAILED_JOINS_PER_MIN per (address key, room), PROTOCOL.md §4: a join takes a slot before
 * its body is read or its verifier checked, and gives it back before answering unless the answer
 * is BAD_CREDENTIALS. So no more wrong-password answers are ever given than the limit, however
 * many guesses arrive at once, and while every slot is held even the right password is refused.
 * Bound before ReadableBodyInterceptor, so that a blocked join is refused before validation.
 */
@Injectable()
export class FailedJoinInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly failures: FailedJoinLimiter,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (!this.reflector.get<boolean | undefined>(FAILED_JOINS, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<Request & AddressedRequest>();
    const roomKey = roomKeyOf(request.params['room']);
    if (roomKey === undefined) return next.handle();
    const attempt = await this.failures.attempt(FailedJoinLimiter.key(request.addressKey, roomKey));
    if (!attempt.ok) {
      const retryAfter = Math.ceil(attempt.retryAfterMs / 1000);
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', Math.max(1, retryAfter));
      throw new ApiError('RATE_LIMITED', 'Too many failed attempts to join this room; wait a minute and try again.');
    }
    return next.handle().pipe(
      catchError(async (error: unknown) => {
        if (!isBadCredentials(error)) await attempt.release();
        throw error;
      }),
      mergeMap(async (answer: unknown) => {
        await attempt.release();
        return answer;
      }),
    );
  }
}

/** Raises a body that could not be read after every guard (Origin, rate limits), before validation. */
@Injectable()
export class ReadableBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const error = context.switchToHttp().getRequest<BodyCarryingRequest>().bodyError;
    if (error) throw error;
    return next.handle();
  }
}
