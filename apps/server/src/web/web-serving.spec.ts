import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request, { type Response } from 'supertest';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { applicationOptions, configureApp, strictHttpAdapter } from '../create-app';
import { WebRoot } from './web-root';

const INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fake app</title><base href="/">
<link rel="stylesheet" href="styles-QWERTYUI.css" crossorigin="anonymous" integrity="sha384-x"></head>
<body><app-root></app-root><script src="main-ABCD1234.js" type="module" crossorigin="anonymous" integrity="sha384-y"></script></body></html>
`;
const MAIN_JS = 'console.log("fake main");\n';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const SECURITY_HEADERS = [
  'content-security-policy',
  'referrer-policy',
  'x-content-type-options',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'x-frame-options',
];

function makeWebRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'ciphernest-web-'));
  writeFileSync(join(root, 'index.html'), INDEX_HTML);
  writeFileSync(join(root, 'main-ABCD1234.js'), MAIN_JS);
  writeFileSync(join(root, 'worker-ZYXW9876.js'), 'postMessage("fake worker");\n');
  writeFileSync(join(root, 'styles-QWERTYUI.css'), 'body{margin:0}\n');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(join(root, 'build-info.json'), '{"digest":"00","algorithm":"sha256","files":["index.html"]}\n');
  writeFileSync(join(root, '.hidden'), 'not for the web\n');
  mkdirSync(join(root, 'media'));
  writeFileSync(join(root, 'media', 'logo-MNOP5678.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  return root;
}

async function startApp(env: Record<string, string>, web: WebRoot | undefined): Promise<NestExpressApplication> {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', LOG_FORMAT: 'json', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, { web })] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(strictHttpAdapter(), applicationOptions(config));
  await configureApp(app, config, web);
  await app.init();
  return app;
}

function directive(csp: string, name: string): string[] {
  const found = csp.split(';').map((part) => part.trim().split(/\s+/)).find(([directiveName]) => directiveName === name);
  if (!found) throw new Error(`no ${name} in ${csp}`);
  return found.slice(1);
}

function styleNonce(response: Response): string {
  const source = directive(response.headers['content-security-policy'], 'style-src').find((value) => value.startsWith("'nonce-"));
  if (!source) throw new Error('no style nonce');
  return source.slice("'nonce-".length, -1);
}

function pageNonce(response: Response): string | undefined {
  return /<app-root ngCspNonce="([^"]+)"[^>]*>/.exec(response.text)?.[1];
}

describe('Serving the web app', () => {
  let root: string;
  let app: NestExpressApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    root = makeWebRoot();
    app = await startApp({}, new WebRoot(root));
  });

  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe('app routes', () => {
    it.each(['/', '/create', '/login', '/chat', '/about'])('answers %s with index.html, 200 and no-cache', async (path) => {
      const response = await http().get(path).set('Accept', BROWSER);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.text).toContain('<title>Fake app</title>');
    });

    it('answers whatever the client accepts (a route is a page, not a guess)', async () => {
      const response = await http().get('/create').set('Accept', '*/*');
      expect(response.status).toBe(200);
      expect(response.text).toContain('<app-root');
    });

    it('keeps working with a query string', async () => {
      const response = await http().get('/login?username=a&roomname=b').set('Accept', BROWSER);
      expect(response.status).toBe(200);
      expect(response.text).toContain('<app-root');
    });

    it('answers HEAD without a body', async () => {
      const response = await http().head('/chat');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.text).toBeUndefined();
    });
  });

  describe('unknown pages', () => {
    it('answers a browser with index.html and 404, so the app shows its not-found page', async () => {
      const response = await http().get('/no/such/page').set('Accept', BROWSER);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['vary']).toMatch(/Accept/);
      expect(response.text).toContain('<app-root');
    });

    it('never serves the raw index.html, which would lack its nonce', async () => {
      const response = await http().get('/index.html').set('Accept', BROWSER);
      expect(response.status).toBe(404);
      expect(pageNonce(response)).toBe(styleNonce(response));
    });

    it('answers a client that does not ask for HTML with the JSON error', async () => {
      const response = await http().get('/no/such/page').set('Accept', 'application/json');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Not found.', requestId: response.headers['x-request-id'] as string });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers */* (fetch, curl) with the JSON error', async () => {
      const response = await http().get('/missing.js').set('Accept', '*/*');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Not found.', requestId: response.headers['x-request-id'] as string });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('leaves a POST to a page to the API', async () => {
      const response = await http().post('/create').set('Accept', BROWSER);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('server paths', () => {
    it('keeps an unknown API path a JSON 404, even for a browser', async () => {
      const response = await http().get('/api/nothing-here').set('Accept', BROWSER);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Not found.', requestId: response.headers['x-request-id'] as string });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('keeps /api itself a JSON 404', async () => {
      const response = await http().get('/api').set('Accept', BROWSER);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('answers /healthz with its JSON whatever the Accept header says', async () => {
      const response = await http().get('/healthz').set('Accept', BROWSER);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('answers the kdf look-up of a missing room with its own error', async () => {
      const response = await http().get('/api/rooms/Nobody%20here/kdf').set('Accept', BROWSER);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'ROOM_NOT_FOUND' });
    });
  });

  describe('files of the build', () => {
    it('serves hashed scripts for a year, immutable', async () => {
      const response = await http().get('/main-ABCD1234.js');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^(text|application)\/javascript/);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.text).toBe(MAIN_JS);
    });

    it.each(['/styles-QWERTYUI.css', '/media/logo-MNOP5678.svg', '/worker-ZYXW9876.js'])('caches %s for a year', async (path) => {
      const response = await http().get(path);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });

    it.each(['/favicon.svg', '/build-info.json'])('revalidates %s, whose name does not change with its content', async (path) => {
      const response = await http().get(path).set('Accept', BROWSER);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['etag']).toBeDefined();
    });

    it('answers a conditional request for an unchanged file with 304', async () => {
      const first = await http().get('/favicon.svg');
      const again = await http().get('/favicon.svg').set('If-None-Match', first.headers['etag']);
      expect(again.status).toBe(304);
    });

    it.each(['/.hidden', '/%2e%2e/package.json', '/..%2fpackage.json', '/media/../index.html'])('serves nothing outside the build list: %s', async (path) => {
      const response = await http().get(path).set('Accept', 'application/json');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('security headers', () => {
    it.each([
      ['an app route', '/', BROWSER],
      ['an unknown page', '/nowhere', BROWSER],
      ['a script', '/main-ABCD1234.js', '*/*'],
      ['a non-hashed file', '/favicon.svg', '*/*'],
      ['the health check', '/healthz', '*/*'],
      ['an API error', '/api/nothing-here', 'application/json'],
    ])('are on %s', async (_what, path, accept) => {
      const response = await http().get(path).set('Accept', accept);
      for (const header of SECURITY_HEADERS) expect(response.headers).toHaveProperty(header);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('are on a refused API request', async () => {
      const response = await http().post('/api/rooms').send({ room: 'x' });
      expect(response.status).toBe(400);
      for (const header of SECURITY_HEADERS) expect(response.headers).toHaveProperty(header);
    });

    it('allow scripts from this origin only: no inline script, no eval, no WebAssembly in the page', async () => {
      const csp = (await http().get('/').set('Accept', BROWSER)).headers['content-security-policy'];
      expect(directive(csp, 'script-src')).toEqual(["'self'"]);
      expect(directive(csp, 'script-src-attr')).toEqual(["'none'"]);
      expect(directive(csp, 'default-src')).toEqual(["'self'"]);
      expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|'strict-dynamic'|\*/);
    });

    it('let a script file, when it runs as a worker, compile WebAssembly (Argon2id) and nothing more', async () => {
      const csp = (await http().get('/worker-ZYXW9876.js')).headers['content-security-policy'];
      expect(directive(csp, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
    });

    it('forbid framing, plugins, foreign forms and a foreign <base>', async () => {
      const csp = (await http().get('/').set('Accept', BROWSER)).headers['content-security-policy'];
      expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
      expect(directive(csp, 'object-src')).toEqual(["'none'"]);
      expect(directive(csp, 'base-uri')).toEqual(["'self'"]);
      expect(directive(csp, 'form-action')).toEqual(["'self'"]);
      expect(directive(csp, 'connect-src')).toEqual(["'self'"]);
      expect(directive(csp, 'worker-src')).toEqual(["'self'"]);
      expect(directive(csp, 'img-src')).toEqual(["'self'", 'blob:', 'data:']);
    });

    it('turn off the powerful features the app does not use', async () => {
      const policy = (await http().get('/healthz')).headers['permissions-policy'];
      for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()', 'clipboard-write=(self)']) {
        expect(policy).toContain(feature);
      }
    });

    it('send no HSTS over plain HTTP', async () => {
      const response = await http().get('/healthz').set('X-Forwarded-Proto', 'https');
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });
  });

  describe('the style nonce', () => {
    it('is the same in the page and in its CSP', async () => {
      const response = await http().get('/chat').set('Accept', BROWSER);
      expect(pageNonce(response)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(pageNonce(response)).toBe(styleNonce(response));
      expect(directive(response.headers['content-security-policy'], 'style-src')).toEqual(["'self'", `'nonce-${styleNonce(response)}'`]);
    });

    it('is new for every response', async () => {
      const nonces = new Set<string | undefined>();
      for (let i = 0; i < 5; i += 1) nonces.add(pageNonce(await http().get('/').set('Accept', BROWSER)));
      expect(nonces.size).toBe(5);
    });

    it('is, with whether the server has a room directory, the only change to the built index.html', async () => {
      const response = await http().get('/').set('Accept', BROWSER);
      expect(response.text).toContain(' data-room-directory="off">');
      expect(response.text.replace(/ ngCspNonce="[^"]*"/, '').replace(' data-room-directory="off"', '')).toBe(INDEX_HTML);
    });
  });
});

describe('Security headers behind a proxy', () => {
  let app: NestExpressApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('sends HSTS when a trusted proxy says the request came over HTTPS', async () => {
    app = await startApp({ TRUST_PROXY: 'loopback' }, undefined);
    const response = await request(app.getHttpServer()).get('/healthz').set('X-Forwarded-Proto', 'https');
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('sends no HSTS when a trusted proxy forwarded plain HTTP', async () => {
    app = await startApp({ TRUST_PROXY: 'loopback' }, undefined);
    const response = await request(app.getHttpServer()).get('/healthz').set('X-Forwarded-Proto', 'http');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('Without a built web app', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await startApp({}, undefined);
  });

  afterAll(() => app.close());

  it('answers pages with the JSON 404 and still sends the security headers', async () => {
    const response = await request(app.getHttpServer()).get('/').set('Accept', BROWSER);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Not found.', requestId: response.headers['x-request-id'] as string });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    for (const header of SECURITY_HEADERS) expect(response.headers).toHaveProperty(header);
  });
});
