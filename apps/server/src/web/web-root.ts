import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the built web app is, if it was built. */
export class WebRoot {
  constructor(readonly path: string) {}

  /** WEB_ROOT, else `dist/apps/web/browser` beside the built server, else under the working directory. */
  static find(env: Record<string, string | undefined> = process.env): WebRoot | undefined {
    const candidates = [
      env['WEB_ROOT'],
      resolve(__dirname, '..', '..', '..', '..', '..', 'web', 'browser'),
      resolve(process.cwd(), 'dist', 'apps', 'web', 'browser'),
    ];
    const found = candidates.find((path) => path !== undefined && existsSync(join(path, 'index.html')));
    return found === undefined ? undefined : new WebRoot(found);
  }
}
