import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { MAX_JSON_BODY_BYTES } from '@ciphernest/protocol';
import { ApiError } from './api-error';

export interface BodyCarryingRequest extends Request {
  /** A body that could not be read; raised after the Origin and rate-limit checks (docs/protocol.md §4 order). */
  bodyError?: ApiError;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const FORBIDDEN_KEY_MESSAGE = 'forbidden key in JSON body';

const parse = json({
  limit: MAX_JSON_BODY_BYTES,
  strict: true,
  // Keys that could reach an object's prototype are refused outright, wherever they nest.
  reviver: (key: string, value: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) throw new Error(FORBIDDEN_KEY_MESSAGE);
    return value;
  },
});

/** Parses JSON bodies up to 64 KiB; a failure is kept on the request instead of answering at once. */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: BodyCarryingRequest, response: Response, next: NextFunction): void {
    // A body announced as too large is refused without reading it: body-parser would read (and
    // discard) all of it first. The connection closes after the answer, dropping the rest.
    if (Number(request.headers['content-length']) > MAX_JSON_BODY_BYTES) {
      request.bodyError = tooLarge();
      response.setHeader('Connection', 'close');
      return next();
    }
    parse(request, response, (error?: unknown) => {
      if (error) request.bodyError = bodyError(error);
      next();
    });
  }
}

function bodyError(error: unknown): ApiError {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') return tooLarge();
  if ((error as Error).message === FORBIDDEN_KEY_MESSAGE) {
    return new ApiError('VALIDATION_FAILED', 'The request body holds a forbidden key (__proto__, constructor or prototype).');
  }
  return new ApiError('VALIDATION_FAILED', 'The request body is not valid JSON.');
}

function tooLarge(): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `The request body is over ${MAX_JSON_BODY_BYTES} bytes.`);
}
