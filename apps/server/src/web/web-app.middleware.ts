import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { cspNonceOf } from './content-security-policy';
import { SpaShell } from './spa-shell';

/** The Angular router's pages: they answer 200 with the app. */
export const APP_ROUTES: readonly string[] = ['/', '/create', '/login', '/chat', '/about'];

/** Paths the server itself answers; a miss there stays a JSON error (docs/protocol.md §4). */
export const SERVER_PATHS: readonly string[] = ['/api', '/socket.io', '/healthz', '/metrics'];

function underServerPath(path: string): boolean {
  return SERVER_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function isAppRoute(path: string): boolean {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return APP_ROUTES.includes(trimmed);
}

/**
 * The single-page app's HTML: its routes answer index.html with 200; any other page a browser
 * asks for (Accept prefers text/html) answers it with 404, so the app shows its not-found page
 * with an honest status. Everything else falls through to the API and its JSON errors.
 */
@Injectable()
export class WebAppMiddleware implements NestMiddleware {
  constructor(
    private readonly shell: SpaShell,
    private readonly config: AppConfig,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || underServerPath(request.path)) return next();
    const status = isAppRoute(request.path) ? 200 : request.accepts(['json', 'html']) === 'html' ? 404 : undefined;
    if (status === undefined) return next();
    if (status === 404) response.vary('Accept');
    response.status(status).setHeader('Cache-Control', 'no-cache');
    response.type('html').send(this.shell.render(cspNonceOf(response), this.config.roomDirectory));
  }
}
