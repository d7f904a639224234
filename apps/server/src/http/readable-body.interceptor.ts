import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { BodyCarryingRequest } from './json-body.middleware';

/** Raises a body that could not be read after every guard (Origin, rate limits), before validation. */
@Injectable()
export class ReadableBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const error = context.switchToHttp().getRequest<BodyCarryingRequest>().bodyError;
    if (error) throw error;
    return next.handle();
  }
}
