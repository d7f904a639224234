import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { roomKeyOf } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { OriginPolicy } from '../shared/origin-policy';
import { SlidingWindowLimiter } from '../shared/sliding-window-limiter';
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

/** @nestjs/throttler keyed by the client address; every request counts, except one it refuses. */
@Injectable()
export class AddressThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return (request as unknown as AddressedRequest).clientAddress;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', Math.max(1, detail.timeToBlockExpire));
    throw new ApiError('RATE_LIMITED');
  }
}

/** Failed joins per (address, room): a sliding window over BAD_CREDENTIALS answers. */
export class FailedJoinLimiter extends SlidingWindowLimiter {
  static key(address: string, roomKey: string): string {
    return `${address}\n${roomKey}`;
  }
}

/** Refuses a join while its (address, room) has too many recent failures. */
@Injectable()
export class FailedJoinGuard implements CanActivate {
  constructor(private readonly failures: FailedJoinLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & AddressedRequest>();
    const roomKey = roomKeyOf(request.params['room']);
    if (roomKey === undefined) return true;
    const retryAfterMs = await this.failures.retryAfterMs(FailedJoinLimiter.key(request.clientAddress, roomKey));
    if (retryAfterMs === 0) return true;
    const retryAfter = Math.ceil(retryAfterMs / 1000);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', Math.max(1, retryAfter));
    throw new ApiError('RATE_LIMITED', 'Too many failed attempts to join this room; wait a minute and try again.');
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
