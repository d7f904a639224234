import { argon2id } from 'hash-wasm';
import type { Kdf } from '@ciphernest/protocol';
import { b64urlDecode } from './b64url';
import { assertAcceptableKdf } from './new-kdf';

const MASTER_BYTES = 32;

/**
 * Raw Argon2id, version 0x13, with no range checks: for known-answer tests and for
 * callers that have checked their parameters. `m` is in KiB. Runs in WebAssembly
 * (hash-wasm) on the calling thread: in a browser, call it from a Web Worker.
 *
 * hash-wasm cannot take Argon2's associated data (it always hashes an empty one) and
 * refuses an empty password or a salt under 8 bytes.
 */
export async function argon2idRaw(opts: {
  password: Uint8Array;
  salt: Uint8Array;
  m: number;
  t: number;
  p: number;
  length: number;
  secret?: Uint8Array;
}): Promise<Uint8Array<ArrayBuffer>> {
  const hash = await argon2id({
    password: opts.password,
    salt: opts.salt,
    secret: opts.secret,
    memorySize: opts.m,
    iterations: opts.t,
    parallelism: opts.p,
    hashLength: opts.length,
    outputType: 'binary',
  });
  const copy = new Uint8Array(hash);
  hash.fill(0);
  return copy;
}

/**
 * The room's 32-byte master secret of docs/protocol.md §2:
 * `Argon2id(UTF-8(NFC(password)), salt, m, t, p, version 0x13, 32 bytes)`.
 *
 * The parameters are checked first (`kdfProblems`): a server or member that hands out
 * weak or huge parameters gets a refusal, not a derivation. The password is NFC-normalised
 * so that the same password typed on different systems gives the same key; it is not
 * trimmed. The result is key material: keep it in memory only, zero it when done
 * ({@link deriveRoomKeys} does), never log or send it.
 *
 * @throws KdfRejectedError when `kdf` is not acceptable; nothing is computed then.
 */
export async function argon2Master(password: string, kdf: Kdf): Promise<Uint8Array<ArrayBuffer>> {
  assertAcceptableKdf(kdf);
  if (typeof password !== 'string') throw new TypeError('argon2Master: password must be a string');
  const passwordBytes = new TextEncoder().encode(password.normalize('NFC'));
  try {
    return await argon2idRaw({
      password: passwordBytes,
      salt: b64urlDecode(kdf.salt),
      m: kdf.m,
      t: kdf.t,
      p: kdf.p,
      length: MASTER_BYTES,
    });
  } finally {
    passwordBytes.fill(0);
  }
}
