import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { OriginPolicy } from '../shared/origin-policy';
import { ApiError } from './api-error';

/**
 * First check of docs/protocol.md §4, on every /api route and method: a request from a foreign
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
