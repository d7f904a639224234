import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/app-config';
import { SpaShell } from './spa-shell';
import { WebModule } from './web.module';
import { WebRoot } from './web-root';

const HTML = '<!doctype html><html><head><title>t</title></head><body><app-root></app-root><script src="main-ABCD1234.js" type="module"></script></body></html>';

describe('SpaShell', () => {
  it('marks <app-root> with whether the server has a room directory', () => {
    expect(SpaShell.fromHtml(HTML).render('bm9uY2U=', true)).toContain('<app-root ngCspNonce="bm9uY2U=" data-room-directory="on"');
    expect(SpaShell.fromHtml(HTML).render(undefined, false)).toContain('<app-root data-room-directory="off"');
  });

  it('renders the built page unchanged when there is no nonce', () => {
    expect(SpaShell.fromHtml(HTML).render()).toBe(HTML);
  });

  it('puts the nonce on <app-root>, where Angular reads it for its <style> elements', () => {
    const page = SpaShell.fromHtml(HTML).render('AbC+/9xyzAbC+/9xyzAbCw==');
    expect(page).toContain('<app-root ngCspNonce="AbC+/9xyzAbC+/9xyzAbCw=="></app-root>');
    expect(page.replace(' ngCspNonce="AbC+/9xyzAbC+/9xyzAbCw=="', '')).toBe(HTML);
  });

  it('keeps attributes the build gave <app-root>', () => {
    const page = SpaShell.fromHtml('<body><app-root class="shell"></app-root></body>').render('bm9uY2U=');
    expect(page).toBe('<body><app-root ngCspNonce="bm9uY2U=" class="shell"></app-root></body>');
  });

  it('does not mistake another element for <app-root>', () => {
    const page = SpaShell.fromHtml('<app-rooted></app-rooted><app-root></app-root>').render('bm9uY2U=');
    expect(page).toBe('<app-rooted></app-rooted><app-root ngCspNonce="bm9uY2U="></app-root>');
  });

  it.each(['"><script>', 'a b', ''])('refuses a nonce that is not base64: %j', (nonce) => {
    expect(() => SpaShell.fromHtml(HTML).render(nonce)).toThrow('base64');
  });

  it('refuses a page without <app-root> (not an Angular build)', () => {
    expect(() => SpaShell.fromHtml('<html><body>hello</body></html>')).toThrow('<app-root>');
  });
});

describe('WebModule.forRoot', () => {
  it('stops the server at once with a clear message when WEB_ROOT is not an Angular build', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ciphernest-not-angular-'));
    try {
      writeFileSync(join(folder, 'index.html'), '<html><body>a static site</body></html>');
      expect(() => WebModule.forRoot(new WebRoot(folder))).toThrow(ConfigError);
      expect(() => WebModule.forRoot(new WebRoot(folder))).toThrow(`${join(folder, 'index.html')}: the web app's index.html has no <app-root> element`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
