import { TestBed } from '@angular/core/testing';
import { encKeyBytesFromMaster, KdfRejectedError, openSessionSecrets, roomKeysFromMaster, sealSessionSecrets, type RoomKeys } from '@ciphernest/crypto';
import { isAcceptableKdf, MESSAGE_ID_PATTERN, type Kdf } from '@ciphernest/protocol';
import type { Argon2Reply, Argon2Request } from './argon2.worker';
import { CryptoService, KeyDerivationError } from './crypto.service';
import { startArgon2Worker } from './start-argon2-worker';

// jsdom has no Worker and its crypto.subtle refuses this realm's buffers: the worker is a fake
// here and the HKDF and sealing steps are stubbed (libs/crypto's specs and the Chromium tests
// cover the math; argon2.worker.spec.ts runs the real Argon2id).
jest.mock('./start-argon2-worker', () => ({ startArgon2Worker: jest.fn() }));
jest.mock('@ciphernest/crypto', () => ({
  ...jest.requireActual('@ciphernest/crypto'),
  roomKeysFromMaster: jest.fn(),
  encKeyBytesFromMaster: jest.fn(),
  sealSessionSecrets: jest.fn(),
  openSessionSecrets: jest.fn(),
}));

const KDF: Kdf = { alg: 'argon2id', m: 65536, t: 3, p: 1, salt: 'thdQBXfwJt08FAf-zyYRPw' };
const KEYS = { encKey: {} as CryptoKey, verifier: 'v'.repeat(43), fingerprint: '0000-0000-0000-0000-0000' } as RoomKeys;
const ENC_KEY_BYTES = new Uint8Array(32).fill(9);
const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

/** A worker that records what it is asked and lets the test answer. */
class FakeWorker extends EventTarget {
  static created: FakeWorker[] = [];
  readonly requests: Argon2Request[] = [];
  terminated = false;

  constructor() {
    super();
    FakeWorker.created.push(this);
  }
  postMessage(request: Argon2Request) {
    this.requests.push(request);
  }
  terminate() {
    this.terminated = true;
  }
  answer(reply: Argon2Reply) {
    this.dispatchEvent(new MessageEvent('message', { data: reply }));
  }
  crash() {
    this.dispatchEvent(new Event('error', { cancelable: true }));
  }
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve));

describe('CryptoService', () => {
  const realWorker = (globalThis as { Worker?: unknown }).Worker;
  let crypto: CryptoService;
  let seenMaster: Uint8Array | undefined;

  beforeEach(() => {
    crypto = TestBed.inject(CryptoService);
    FakeWorker.created = [];
    (globalThis as { Worker?: unknown }).Worker = FakeWorker;
    jest.mocked(startArgon2Worker).mockImplementation(() => new FakeWorker() as unknown as Worker);
    seenMaster = undefined;
    jest.mocked(roomKeysFromMaster).mockImplementation(async (master: Uint8Array) => {
      seenMaster = master;
      expect([...master]).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      return KEYS;
    });
    jest.mocked(encKeyBytesFromMaster).mockImplementation(async (master: Uint8Array) => {
      expect(master).toBe(seenMaster);
      expect([...master]).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      return ENC_KEY_BYTES;
    });
  });

  afterEach(() => {
    (globalThis as { Worker?: unknown }).Worker = realWorker;
    jest.clearAllMocks();
  });

  it('makes message ids of 22 base64url characters, each new', () => {
    const ids = new Set(Array.from({ length: 50 }, () => crypto.newMessageId()));

    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(MESSAGE_ID_PATTERN);
  });

  it('makes acceptable default kdf parameters with a fresh salt', () => {
    const first = crypto.newKdf();
    const second = crypto.newKdf();

    expect(isAcceptableKdf(first)).toBe(true);
    expect(first).toMatchObject({ alg: 'argon2id', m: 65536, t: 3, p: 1 });
    expect(first.salt).not.toBe(second.salt);
  });

  describe('deriveRoomKeys', () => {
    it("runs Argon2id in a worker, derives the keys and encKey's bytes (to seal) in the page and zeroes the master", async () => {
      const deriving = crypto.deriveRoomKeys('correct horse', 'café lounge', KDF);
      await flush();
      const [worker] = FakeWorker.created;
      expect(worker.requests).toEqual([{ password: 'correct horse', kdf: KDF }]);

      worker.answer({ ok: true, master: new Uint8Array(Array.from({ length: 32 }, (_, i) => i + 1)).buffer });

      await expect(deriving).resolves.toEqual({ ...KEYS, encKeyBytes: ENC_KEY_BYTES });
      expect(roomKeysFromMaster).toHaveBeenCalledWith(expect.any(Uint8Array), 'café lounge');
      expect(encKeyBytesFromMaster).toHaveBeenCalledWith(expect.any(Uint8Array), 'café lounge');
      expect([...(seenMaster as Uint8Array)]).toEqual(new Array(32).fill(0));
      expect(worker.terminated).toBe(true);
    });

    it('uses a new worker for each derivation', async () => {
      const first = crypto.deriveRoomKeys('password one', 'room', KDF);
      const second = crypto.deriveRoomKeys('password two', 'room', KDF);
      await flush();

      expect(FakeWorker.created).toHaveLength(2);
      for (const worker of FakeWorker.created) worker.answer({ ok: true, master: new Uint8Array(Array.from({ length: 32 }, (_, i) => i + 1)).buffer });
      await Promise.all([first, second]);
      expect(FakeWorker.created.every((worker) => worker.terminated)).toBe(true);
    });

    it('refuses parameters out of range before starting a worker', async () => {
      await expect(crypto.deriveRoomKeys('correct horse', 'room', { ...KDF, t: 1 })).rejects.toBeInstanceOf(KdfRejectedError);

      expect(FakeWorker.created).toHaveLength(0);
    });

    it("keeps KdfRejectedError's meaning when the worker refuses", async () => {
      const deriving = crypto.deriveRoomKeys('correct horse', 'room', KDF);
      await flush();

      FakeWorker.created[0].answer({ ok: false, error: { name: 'KdfRejectedError', message: 'refusing to derive', problems: ['kdf.m is bad'] } });

      const error = await deriving.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KdfRejectedError);
      expect((error as KdfRejectedError).problems).toEqual(['kdf.m is bad']);
      expect(FakeWorker.created[0].terminated).toBe(true);
      expect(roomKeysFromMaster).not.toHaveBeenCalled();
      expect(encKeyBytesFromMaster).not.toHaveBeenCalled();
    });

    it('rejects with KeyDerivationError when the worker fails', async () => {
      const deriving = crypto.deriveRoomKeys('correct horse', 'room', KDF);
      await flush();

      FakeWorker.created[0].crash();

      await expect(deriving).rejects.toBeInstanceOf(KeyDerivationError);
      expect(FakeWorker.created[0].terminated).toBe(true);
    });

    it('rejects with KeyDerivationError when the worker answers with another error', async () => {
      const deriving = crypto.deriveRoomKeys('correct horse', 'room', KDF);
      await flush();

      FakeWorker.created[0].answer({ ok: false, error: { name: 'RangeError', message: 'out of memory', problems: [] } });

      await expect(deriving).rejects.toBeInstanceOf(KeyDerivationError);
    });

    it('rejects with KeyDerivationError when the worker cannot start (CSP, offline)', async () => {
      jest.mocked(startArgon2Worker).mockImplementation(() => {
        throw new DOMException('refused by worker-src', 'SecurityError');
      });

      await expect(crypto.deriveRoomKeys('correct horse', 'room', KDF)).rejects.toBeInstanceOf(KeyDerivationError);
    });

    it('never runs Argon2id in the page: without Web Workers it rejects', async () => {
      delete (globalThis as { Worker?: unknown }).Worker;

      await expect(crypto.deriveRoomKeys('correct horse', 'room', KDF)).rejects.toBeInstanceOf(KeyDerivationError);
      expect(startArgon2Worker).not.toHaveBeenCalled();
    });
  });

  describe('sealing under the vault', () => {
    it("seals with libs/crypto's sealSessionSecrets", async () => {
      const blob = new Uint8Array([1, 2, 3]);
      jest.mocked(sealSessionSecrets).mockResolvedValue(blob as Uint8Array<ArrayBuffer>);

      await expect(crypto.sealSessionSecrets(VAULT, ENC_KEY_BYTES, KEYS.fingerprint)).resolves.toBe(blob);
      expect(sealSessionSecrets).toHaveBeenCalledWith(VAULT, ENC_KEY_BYTES, KEYS.fingerprint);
    });

    it("opens with libs/crypto's openSessionSecrets", async () => {
      const blob = new Uint8Array([1, 2, 3]);
      const opened = { encKey: KEYS.encKey, fingerprint: KEYS.fingerprint };
      jest.mocked(openSessionSecrets).mockResolvedValue(opened);

      await expect(crypto.openSessionSecrets(VAULT, blob)).resolves.toBe(opened);
      expect(openSessionSecrets).toHaveBeenCalledWith(VAULT, blob);
    });
  });
});
