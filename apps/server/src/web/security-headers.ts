import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { contentSecurityPolicy, type HelmetOptions } from 'helmet';
import { fromTrustedProxy, type TrustPolicy } from '../shared/client-address';
import { cspDirectives, setCspNonce } from './content-security-policy';

type Next = (error?: unknown) => void;
type Handler = (request: IncomingMessage, response: ServerResponse, next: Next) => void;

/**
 * Trusted Types are enforced. Angular's build only recognises `new Worker(new URL('…',
 * import.meta.url))`, whose plain URL Chromium refuses under `require-trusted-types-for
 * 'script'`; the web app installs a `default` policy that passes same-origin scripts only
 * (apps/web/src/app/core/crypto/start-argon2-worker.ts).
 */
export const TRUSTED_TYPES = true;

/** Powerful features the app never uses are off for it and anything it might embed. */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'browsing-topics=()',
  'camera=()',
  'clipboard-read=()',
  'clipboard-write=(self)',
  'display-capture=()',
  'encrypted-media=()',
  'fullscreen=(self)',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'idle-detection=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'picture-in-picture=()',
  'publickey-credentials-get=()',
  'screen-wake-lock=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ');

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * For responses Express never sees (Socket.IO's polling and upgrade answers): they are data,
 * never a page, so their policy allows nothing at all.
 */
export const TRANSPORT_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

const SCRIPT_FILE = /\.m?js$/;

/** Served over TLS: by this server itself, or by a trusted proxy that says so in X-Forwarded-Proto. */
export function servedOverTls(request: IncomingMessage, trust: TrustPolicy): boolean {
  if ((request.socket as { encrypted?: boolean } | undefined)?.encrypted === true) return true;
  if (!fromTrustedProxy(request, trust)) return false;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] ?? '/';
}

/** helmet's headers besides the CSP (set with its nonce) and HSTS (only over TLS). */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: false,
  strictTransportSecurity: false,
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  referrerPolicy: { policy: 'no-referrer' },
  xFrameOptions: { action: 'deny' },
};

/** A response that only records the headers set on it: helmet runs against it once, at start-up. */
class HeaderRecorder {
  readonly headers: [string, string][] = [];
  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers.push([name, String(value)]);
    return this;
  }
  removeHeader(name: string): void {
    const lower = name.toLowerCase();
    for (let i = this.headers.length - 1; i >= 0; i -= 1) if (this.headers[i]![0].toLowerCase() === lower) this.headers.splice(i, 1);
  }
}

/** The headers a helmet middleware sets, for a response whose CSP nonce is `nonce`. */
function recordHeaders(middleware: Handler, nonce: string): [string, string][] {
  const recorder = new HeaderRecorder();
  const response = recorder as unknown as ServerResponse;
  setCspNonce(response, nonce);
  let done = false;
  middleware({ url: '/', headers: {}, socket: {} } as IncomingMessage, response, (error) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    done = true;
  });
  if (!done) throw new Error('a header middleware did not answer synchronously');
  return recorder.headers;
}

/**
 * A Content-Security-Policy as helmet writes it, split around the style nonce: the directives
 * are fixed, so only the nonce changes from one response to the next.
 */
function cspAroundNonce(directives: ReturnType<typeof cspDirectives>): { name: string; before: string; after: string } {
  const marker = 'NONCE-MARKER-0f3a';
  const [header] = recordHeaders(contentSecurityPolicy({ useDefaults: false, directives }) as Handler, marker);
  if (!header) throw new Error('helmet set no Content-Security-Policy');
  const [before, after, ...rest] = header[1].split(marker);
  if (before === undefined || after === undefined || rest.length > 0) throw new Error('the CSP must carry the style nonce exactly once');
  return { name: header[0], before, after };
}

/**
 * The security headers of every HTTP response (API, app shell and static files alike):
 * Content-Security-Policy with a fresh style nonce, Referrer-Policy no-referrer, nosniff,
 * Permissions-Policy, COOP and CORP same-origin, X-Frame-Options DENY, and HSTS only where the
 * response travels over TLS. Socket.IO's own HTTP answers bypass Express: TRANSPORT_HEADERS is theirs.
 *
 * helmet writes them once, at start-up, and each response gets the recorded list: running
 * helmet's dozen middlewares per request was 7% of the server's CPU per join (docs/benchmarks.md).
 */
export function securityHeaders(trust: TrustPolicy, options: { trustedTypes?: boolean } = {}): Handler {
  const trustedTypes = options.trustedTypes ?? TRUSTED_TYPES;
  const common = recordHeaders(helmet(HELMET_OPTIONS) as Handler, '');
  const pagePolicy = cspAroundNonce(cspDirectives({ script: false, trustedTypes }));
  const scriptPolicy = cspAroundNonce(cspDirectives({ script: true, trustedTypes }));

  return (request, response, next) => {
    const nonce = randomBytes(16).toString('base64');
    setCspNonce(response, nonce);
    response.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    if (servedOverTls(request, trust)) response.setHeader('Strict-Transport-Security', HSTS);
    for (const [name, value] of common) response.setHeader(name, value);
    const policy = SCRIPT_FILE.test(pathOf(request)) ? scriptPolicy : pagePolicy;
    response.setHeader(policy.name, `${policy.before}${nonce}${policy.after}`);
    next();
  };
}
