// Its own module, imported lazily: `import.meta` cannot load in jest's CommonJS, and specs that
// use CryptoService as a token must still load it. Angular's builder spots the exact
// `new Worker(new URL('…', import.meta.url))` form below and bundles argon2.worker.ts (and the
// Argon2id wasm with it) as a separate worker chunk.

interface TrustedTypesLike {
  defaultPolicy: unknown;
  createPolicy(name: string, rules: { createScriptURL: (input: string) => string | null }): unknown;
}

/**
 * Under Trusted Types (`require-trusted-types-for 'script'`) `new Worker(url)` needs a
 * TrustedScriptURL, and the form above cannot wrap its URL in a named policy without Angular
 * missing the worker. A `default` policy that passes only same-origin `.js` URLs lets it through.
 */
function allowSameOriginWorkerScripts(): void {
  const trustedTypes = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (trustedTypes === undefined || trustedTypes.defaultPolicy !== null) return;
  try {
    trustedTypes.createPolicy('default', {
      createScriptURL: (input) => {
        const url = new URL(input, location.href);
        return url.origin === location.origin && url.pathname.endsWith('.js') ? url.href : null;
      },
    });
  } catch {
    // The page's CSP does not allow a `default` policy; Trusted Types are then not enforced for it either.
  }
}

/** A fresh worker for one Argon2id derivation. */
export function startArgon2Worker(): Worker {
  allowSameOriginWorkerScripts();
  return new Worker(new URL('./argon2.worker', import.meta.url), { type: 'module' });
}
