import type { Kdf } from '@ciphernest/protocol';
import vector from '../../../../../../libs/crypto/src/fixtures/e2e-vector.json';
import type { Argon2Reply } from './argon2.worker';

// The worker's script runs here in jsdom's window, which has addEventListener and postMessage
// like a worker's global scope: the real Argon2id (hash-wasm) runs, the answer is captured.

function toHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('argon2.worker', () => {
  let replies: { reply: Argon2Reply; transfer: unknown[] }[];
  let answered: Promise<void>;

  beforeAll(async () => {
    await import('./argon2.worker');
  });

  beforeEach(() => {
    replies = [];
    answered = new Promise((resolve) => {
      jest.spyOn(window, 'postMessage').mockImplementation(((reply: Argon2Reply, options?: { transfer?: unknown[] }) => {
        replies.push({ reply, transfer: options?.transfer ?? [] });
        resolve();
      }) as typeof window.postMessage);
    });
  });

  afterEach(() => jest.restoreAllMocks());

  function ask(data: unknown): Promise<{ reply: Argon2Reply; transfer: unknown[] }> {
    window.dispatchEvent(new MessageEvent('message', { data }));
    return answered.then(() => replies[0]);
  }

  it('answers with the 32-byte Argon2id master of docs/protocol.md §2, transferred', async () => {
    const { reply, transfer } = await ask({ password: vector.password, kdf: vector.kdf });

    expect(reply.ok).toBe(true);
    const master = (reply as Extract<Argon2Reply, { ok: true }>).master;
    expect(toHex(master)).toBe(vector.master);
    expect(transfer).toEqual([master]);
  }, 20_000);

  it('refuses parameters out of range with KdfRejectedError and its problems', async () => {
    const weak: Kdf = { ...(vector.kdf as Kdf), m: 1024 };

    const { reply, transfer } = await ask({ password: 'correct horse', kdf: weak });

    expect(reply).toEqual({ ok: false, error: { name: 'KdfRejectedError', message: expect.stringContaining('kdf.m'), problems: [expect.stringContaining('kdf.m')] } });
    expect(transfer).toEqual([]);
  });

  it('answers a malformed request with an error', async () => {
    const { reply } = await ask({ kdf: vector.kdf });

    expect(reply.ok).toBe(false);
  });
});
