import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOM_DIRECTORY_ATTRIBUTE } from '@ciphernest/protocol';
import { ConfigError } from '../config/app-config';
import type { WebRoot } from './web-root';

const APP_ROOT = /<app-root(?=[\s/>])/i;
const NONCE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The built index.html, which every app route answers with. Each response carries its own CSP
 * nonce as `ngCspNonce` on `<app-root>` (Angular puts it on the `<style>` elements it inserts),
 * and whether the server has a room directory. These attributes are the only difference between
 * the served page and the built file (the build digest covers the built file).
 */
export class SpaShell {
  private constructor(
    private readonly head: string,
    private readonly tail: string,
  ) {}

  /** @throws ConfigError when the page is not an Angular app's (the server then refuses to start). */
  static read(root: WebRoot): SpaShell {
    const file = join(root.path, 'index.html');
    try {
      return SpaShell.fromHtml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`the web app cannot be served from ${file}: ${(error as Error).message}`);
    }
  }

  static fromHtml(html: string): SpaShell {
    const match = APP_ROOT.exec(html);
    if (!match) throw new Error('the web app\'s index.html has no <app-root> element');
    const end = match.index + match[0].length;
    return new SpaShell(html.slice(0, end), html.slice(end));
  }

  /** The page for one response; without a nonce or a directory setting, exactly the built file. */
  render(nonce?: string, roomDirectory?: boolean): string {
    if (nonce !== undefined && !NONCE.test(nonce)) throw new Error('a CSP nonce must be base64');
    const nonceAttribute = nonce === undefined ? '' : ` ngCspNonce="${nonce}"`;
    const directoryAttribute = roomDirectory === undefined ? '' : ` ${ROOM_DIRECTORY_ATTRIBUTE}="${roomDirectory ? 'on' : 'off'}"`;
    return `${this.head}${nonceAttribute}${directoryAttribute}${this.tail}`;
  }
}
