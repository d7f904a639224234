import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { contentSecurityPolicy } from 'helmet';
import { trustPolicy } from '../shared/client-address';
import { cspDirectives, cspNonceOf, setCspNonce } from './content-security-policy';
import { HELMET_OPTIONS, PERMISSIONS_POLICY, securityHeaders, servedOverTls } from './security-headers';

function fakeRequest(options: { encrypted?: boolean; peer?: string; forwardedProto?: string; url?: string } = {}): IncomingMessage {
  const headers: Record<string, string> = {};
  if (options.forwardedProto !== undefined) headers['x-forwarded-proto'] = options.forwardedProto;
  return {
    url: options.url ?? '/',
    headers,
    socket: { remoteAddress: options.peer ?? '203.0.113.9', encrypted: options.encrypted },
  } as unknown as IncomingMessage;
}

class FakeResponse {
  readonly headers = new Map<string, string>();
  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers.set(name.toLowerCase(), String(value));
    return this;
  }
  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }
}

function headersFor(request: IncomingMessage, trustedTypes = false): Promise<Map<string, string>> {
  const response = new FakeResponse();
  return new Promise((resolve, reject) => {
    securityHeaders(trustPolicy('off'), { trustedTypes })(request, response as unknown as ServerResponse, (error) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(response.headers),
    );
  });
}

describe('servedOverTls', () => {
  it('is true on an encrypted socket', () => {
    expect(servedOverTls(fakeRequest({ encrypted: true }), trustPolicy('off'))).toBe(true);
  });

  it('is false on plain HTTP', () => {
    expect(servedOverTls(fakeRequest(), trustPolicy('off'))).toBe(false);
  });

  it('believes X-Forwarded-Proto from a trusted proxy (first value)', () => {
    const request = fakeRequest({ peer: '10.0.0.2', forwardedProto: 'HTTPS, http' });
    expect(servedOverTls(request, trustPolicy('10.0.0.0/8'))).toBe(true);
  });

  it('ignores X-Forwarded-Proto from anyone else', () => {
    const request = fakeRequest({ peer: '203.0.113.9', forwardedProto: 'https' });
    expect(servedOverTls(request, trustPolicy('10.0.0.0/8'))).toBe(false);
  });
});

describe('securityHeaders', () => {
  it('sends HSTS on a TLS connection', async () => {
    const headers = await headersFor(fakeRequest({ encrypted: true }));
    expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('leaves Trusted Types out unless asked', async () => {
    const csp = (await headersFor(fakeRequest())).get('content-security-policy');
    expect(csp).not.toContain('trusted-types');
  });

  it('requires Trusted Types for script sinks when asked, allowing Angular\'s and the app\'s default policy', async () => {
    const csp = (await headersFor(fakeRequest(), true)).get('content-security-policy') ?? '';
    expect(csp.split(';')).toEqual(expect.arrayContaining(["require-trusted-types-for 'script'", 'trusted-types angular default']));
  });

  it('gives every response its own style nonce', async () => {
    const first = (await headersFor(fakeRequest())).get('content-security-policy');
    const second = (await headersFor(fakeRequest())).get('content-security-policy');
    expect(first).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='/);
    expect(first).not.toBe(second);
  });

  it.each(['/main-ABCD1234.js', '/worker-ABCD1234.js', '/lib.mjs'])('allows WebAssembly in the policy of the script %s', async (url) => {
    const csp = (await headersFor(fakeRequest({ url: `${url}?v=1` }))).get('content-security-policy');
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
  });

  it.each(['/', '/create', '/api/rooms', '/main.json'])('keeps WebAssembly out of the policy of %s', async (url) => {
    const csp = (await headersFor(fakeRequest({ url }))).get('content-security-policy');
    expect(csp).toContain("script-src 'self';");
  });
});

describe('securityHeaders, recorded once from helmet', () => {
  /** What helmet itself writes on one response, run per request as before the headers were recorded. */
  function helmetPerRequest(request: IncomingMessage, nonce: string, trustedTypes: boolean): Map<string, string> {
    const response = new FakeResponse();
    const asResponse = response as unknown as ServerResponse;
    setCspNonce(asResponse, nonce);
    const fail = (error?: unknown): void => {
      if (error) throw error instanceof Error ? error : new Error(String(error));
    };
    helmet(HELMET_OPTIONS)(request, asResponse, fail);
    const script = /\.m?js$/.test((request.url ?? '/').split('?')[0] ?? '/');
    contentSecurityPolicy({ useDefaults: false, directives: cspDirectives({ script, trustedTypes }) })(request, asResponse, fail);
    return response.headers;
  }

  it.each([
    ['a page', '/', false],
    ['a script', '/main-ABCD1234.js', true],
    ['an API route with Trusted Types', '/api/rooms', true],
  ])('sends exactly the headers helmet writes for %s, with this response\'s nonce', async (_case, url, trustedTypes) => {
    const request = fakeRequest({ url });
    const response = new FakeResponse();
    await new Promise<void>((resolve, reject) =>
      securityHeaders(trustPolicy('off'), { trustedTypes })(request, response as unknown as ServerResponse, (error) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      ),
    );
    const nonce = cspNonceOf(response as unknown as ServerResponse) ?? '';
    const expected = helmetPerRequest(request, nonce, trustedTypes);
    expected.set('permissions-policy', PERMISSIONS_POLICY);
    expect(Object.fromEntries(response.headers)).toEqual(Object.fromEntries(expected));
    expect(response.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
  });
});

describe('cspDirectives', () => {
  it('fails loudly when a response has no nonce instead of sending a guessable one', () => {
    const styleSource = cspDirectives({ script: false, trustedTypes: false })['style-src']?.[1];
    if (typeof styleSource !== 'function') throw new Error('style-src should take the nonce from the response');
    expect(() => styleSource({} as IncomingMessage, {} as ServerResponse)).toThrow('nonce');
    const response = {} as ServerResponse;
    setCspNonce(response, 'bm9uY2U=');
    expect(styleSource({} as IncomingMessage, response)).toBe("'nonce-bm9uY2U='");
  });
});
