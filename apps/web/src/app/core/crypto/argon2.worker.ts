// The only place the Argon2id WebAssembly loads (hash-wasm, through argon2Master): the page
// stays responsive while it runs, and terminating the worker frees its 64 MiB or more of memory.
import { argon2Master } from '@ciphernest/crypto';
import { isObject, type Kdf } from '@ciphernest/protocol';

/** What CryptoService asks of the worker: one derivation, then the worker is terminated. */
export interface Argon2Request {
  password: string;
  kdf: Kdf;
}

/** The worker's one answer. `master` is transferred, so no copy stays in the worker. */
export type Argon2Reply =
  | { ok: true; master: ArrayBuffer }
  | { ok: false; error: { name: string; message: string; problems: string[] } };

function isRequest(value: unknown): value is Argon2Request {
  return isObject(value) && typeof value['password'] === 'string';
}

async function derive(request: Argon2Request): Promise<Argon2Reply> {
  try {
    const master = await argon2Master(request.password, request.kdf);
    const whole = master.byteOffset === 0 && master.byteLength === master.buffer.byteLength;
    const copy = whole ? master : master.slice();
    if (!whole) master.fill(0);
    return { ok: true, master: copy.buffer };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error('key derivation failed');
    const problems = (error as { problems?: unknown }).problems;
    return { ok: false, error: { name, message, problems: Array.isArray(problems) ? problems.map(String) : [] } };
  }
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (!isRequest(request)) {
    postMessage({ ok: false, error: { name: 'TypeError', message: 'malformed request', problems: [] } } satisfies Argon2Reply);
    return;
  }
  void derive(request).then((reply) => postMessage(reply, { transfer: reply.ok ? [reply.master] : [] }));
});
