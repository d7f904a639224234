import type { IncomingMessage, ServerResponse } from 'node:http';

/** Helmet's directive shape: fixed sources, or a function of the response (the nonce). */
export type Directives = Record<string, (string | ((request: IncomingMessage, response: ServerResponse) => string))[]>;

/** Where this response's style nonce is kept between the header middleware and the app shell. */
const NONCE = Symbol('cspNonce');

interface NonceCarrier {
  [NONCE]?: string;
}

/** Gives the response its CSP nonce (once); the app shell puts the same value on `<app-root ngCspNonce>`. */
export function setCspNonce(response: ServerResponse, nonce: string): void {
  (response as NonceCarrier)[NONCE] = nonce;
}

/** This response's CSP nonce, if the security headers ran. */
export function cspNonceOf(response: ServerResponse): string | undefined {
  return (response as NonceCarrier)[NONCE];
}

function requiredNonce(response: ServerResponse): string {
  const nonce = cspNonceOf(response);
  if (nonce === undefined) throw new Error('no CSP nonce was set for this response');
  return nonce;
}

export interface PolicyKind {
  /**
   * A JavaScript file's own policy also allows compiling WebAssembly. It only takes effect
   * where that file is a worker's script: a dedicated worker loaded from a URL runs under the
   * CSP of its script's response, not the page's (checked in Chromium). This is how the
   * Argon2id worker may instantiate hash-wasm while the page itself cannot compile WebAssembly.
   */
  script: boolean;
  /**
   * Trusted Types: DOM sinks that take script (innerHTML, script src, `new Worker(url)`) accept
   * only values from the named policies. Angular's policy is `angular`; a plain URL passed to
   * `new Worker` needs a `default` policy in the app (see TRUSTED_TYPES in security-headers.ts).
   */
  trustedTypes: boolean;
}

/**
 * The app's Content-Security-Policy as helmet directives. No inline script and no eval:
 * index.html loads only same-origin scripts (Angular's autoCsp is off because its loader script
 * drops the Subresource Integrity attributes). Angular inserts component `<style>` elements at
 * run time and marks them with the nonce it reads from `<app-root ngCspNonce>`, so styles need
 * a per-response nonce rather than 'unsafe-inline'.
 */
export function cspDirectives(kind: PolicyKind): Directives {
  const directives: Directives = {
    'default-src': ["'self'"],
    'script-src': kind.script ? ["'self'", "'wasm-unsafe-eval'"] : ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", (_request: IncomingMessage, response: ServerResponse) => `'nonce-${requiredNonce(response)}'`],
    'style-src-attr': ["'none'"],
    // Decrypted images are shown from blob: URLs; data: covers small inline icons in CSS.
    'img-src': ["'self'", 'blob:', 'data:'],
    'font-src': ["'self'"],
    // 'self' also matches ws:/wss: on the same host and port (CSP3), which Socket.IO uses.
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'frame-src': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (kind.trustedTypes) {
    directives['require-trusted-types-for'] = ["'script'"];
    directives['trusted-types'] = ['angular', 'default'];
  }
  return directives;
}
