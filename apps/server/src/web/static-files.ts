import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { WebRoot } from './web-root';

/** esbuild's content hash in Angular's output names: `main-TFYQLNNW.js`, `media/logo-3A37WPYN.png`. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[A-Za-z0-9]+$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Content-hashed files never change under their name; anything else is revalidated on every use. */
export function cacheControlFor(urlPath: string): string {
  return HASHED_NAME.test(urlPath) ? IMMUTABLE : REVALIDATE;
}

/** Every file of the build by URL path, except index.html, which only the app shell serves (with its nonce). */
function listFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    const urlPath = '/' + relative(root, absolute).split(sep).join('/');
    if (urlPath !== '/index.html' && !urlPath.split('/').some((part) => part.startsWith('.'))) files.set(urlPath, absolute);
  }
  return files;
}

function decodedPath(request: Request): string | undefined {
  try {
    return decodeURIComponent(request.path);
  } catch {
    return undefined;
  }
}

/**
 * The built app's files (scripts, styles, icons, build-info.json). The file list is taken once
 * at start, so no request can reach anything else on disk; rebuilding the app needs a restart.
 */
export function staticFiles(root: WebRoot): (request: Request, response: Response, next: NextFunction) => void {
  const files = listFiles(root.path);
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const urlPath = decodedPath(request);
    const file = urlPath === undefined ? undefined : files.get(urlPath);
    if (urlPath === undefined || file === undefined) return next();
    response.sendFile(file, { cacheControl: false, headers: { 'Cache-Control': cacheControlFor(urlPath) } }, (error) => {
      if (error && !response.headersSent) next();
    });
  };
}
