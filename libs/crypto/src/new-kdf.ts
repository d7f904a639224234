import { DEFAULT_KDF_PARAMS, KDF_LIMITS, kdfProblems, type Kdf } from '@ciphernest/protocol';
import { b64urlEncode } from './b64url';
import { KdfRejectedError } from './kdf-rejected-error';
import { randomBytes } from './random-bytes';

/**
 * Key-derivation parameters for a new room (docs/protocol.md §2): Argon2id, `m` KiB of memory
 * (default 65536), `t` passes (default 3), `p` 1, and a fresh random 16-byte salt.
 *
 * @throws KdfRejectedError when `m` or `t` is outside `KDF_LIMITS`, so a room is never
 *   created with parameters that joiners would refuse.
 */
export function newKdf(params: { m?: number; t?: number } = {}): Kdf {
  const kdf: Kdf = {
    alg: DEFAULT_KDF_PARAMS.alg,
    m: params.m ?? DEFAULT_KDF_PARAMS.m,
    t: params.t ?? DEFAULT_KDF_PARAMS.t,
    p: DEFAULT_KDF_PARAMS.p,
    salt: b64urlEncode(randomBytes(KDF_LIMITS.saltBytes)),
  };
  assertAcceptableKdf(kdf);
  return kdf;
}

/**
 * @throws KdfRejectedError unless `kdf` passes `kdfProblems` (ranges, exact field set).
 */
export function assertAcceptableKdf(kdf: unknown): asserts kdf is Kdf {
  const problems = kdfProblems(kdf);
  if (problems.length > 0) {
    throw new KdfRejectedError(`refusing to derive: ${problems.join('; ')}`, problems);
  }
}
