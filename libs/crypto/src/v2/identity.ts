import { isByteArray, ownBytes } from '../is-byte-array';
import { randomBytes } from '../random-bytes';
import { VaultSealError } from '../vault-seal-error';
import { exportPublicKey, PUBLIC_KEY_BYTES } from './curve25519';
import { E2E_LABELS } from './e2e-labels';

/** A tab's keys in a room (docs/protocol.md §3.1): made in the tab, private keys non-extractable. */
export interface Identity {
  /** Ed25519, non-extractable, usage `sign`: signs everything the tab sends in v2. */
  signPrivate: CryptoKey;
  signPublic: Uint8Array<ArrayBuffer>;
  /** X25519, non-extractable, usage `deriveBits`: opens the chain keys others share with the tab. */
  agreePrivate: CryptoKey;
  agreePublic: Uint8Array<ArrayBuffer>;
  /** Both private keys wrapped under the session's vault: the only form of them a tab may store. */
  wrapped: WrappedIdentity;
}

/** `iv (12) || AES-256-GCM(identityWrapKey, iv, PKCS #8 of the private key, aad)` for each private key. */
export interface WrappedIdentity {
  sign: Uint8Array<ArrayBuffer>;
  agree: Uint8Array<ArrayBuffer>;
}

type Part = 'sign' | 'agree';

const IV_BYTES = 12;
const ALGORITHMS: Readonly<Record<Part, { name: string; usages: KeyUsage[] }>> = {
  sign: { name: 'Ed25519', usages: ['sign'] },
  agree: { name: 'X25519', usages: ['deriveBits'] },
};

function wrapParams(iv: Uint8Array<ArrayBuffer>, part: Part): AesGcmParams {
  return { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(`${E2E_LABELS.identityWrap}/${part}`), tagLength: 128 };
}

async function wrapPrivateKey(privateKey: CryptoKey, wrapKey: CryptoKey, part: Part): Promise<Uint8Array<ArrayBuffer>> {
  const iv = randomBytes(IV_BYTES);
  const wrapped = new Uint8Array(await globalThis.crypto.subtle.wrapKey('pkcs8', privateKey, wrapKey, wrapParams(iv, part)));
  const out = new Uint8Array(IV_BYTES + wrapped.length);
  out.set(iv, 0);
  out.set(wrapped, IV_BYTES);
  return out;
}

async function unwrapPrivateKey(wrapped: Uint8Array, wrapKey: CryptoKey, part: Part): Promise<CryptoKey> {
  if (!isByteArray(wrapped) || wrapped.length <= IV_BYTES) throw new VaultSealError('wrapped key is malformed');
  const { name, usages } = ALGORITHMS[part];
  try {
    return await globalThis.crypto.subtle.unwrapKey(
      'pkcs8',
      ownBytes(wrapped.subarray(IV_BYTES)),
      wrapKey,
      wrapParams(ownBytes(wrapped.subarray(0, IV_BYTES)), part),
      name,
      false,
      usages,
    );
  } catch (cause) {
    throw new VaultSealError('wrapped key does not open', { cause });
  }
}

/**
 * A new identity for a tab: an Ed25519 and an X25519 key pair. Each private key exists as an
 * extractable CryptoKey only until WebCrypto has wrapped it under `wrapKey`
 * ({@link identityWrapKey}); the tab keeps the non-extractable copy unwrapped from that blob.
 * No private key byte ever reaches JavaScript.
 */
export async function createIdentity(wrapKey: CryptoKey): Promise<Identity> {
  const subtle = globalThis.crypto.subtle;
  const signPair = (await subtle.generateKey('Ed25519', true, ['sign', 'verify'])) as CryptoKeyPair;
  const agreePair = (await subtle.generateKey('X25519', true, ['deriveBits'])) as CryptoKeyPair;
  return unwrapIdentity(
    {
      signPublic: await exportPublicKey(signPair.publicKey),
      agreePublic: await exportPublicKey(agreePair.publicKey),
      wrapped: { sign: await wrapPrivateKey(signPair.privateKey, wrapKey, 'sign'), agree: await wrapPrivateKey(agreePair.privateKey, wrapKey, 'agree') },
    },
    wrapKey,
  );
}

/**
 * An identity back from its stored form: the private keys unwrapped under `wrapKey`,
 * non-extractable.
 *
 * @throws VaultSealError when a wrapped key does not open (another vault, altered bytes) or a
 *   public key is not 32 bytes.
 */
export async function unwrapIdentity(stored: Omit<Identity, 'signPrivate' | 'agreePrivate'>, wrapKey: CryptoKey): Promise<Identity> {
  if (stored.signPublic.length !== PUBLIC_KEY_BYTES || stored.agreePublic.length !== PUBLIC_KEY_BYTES) throw new VaultSealError('identity public keys are malformed');
  return {
    signPrivate: await unwrapPrivateKey(stored.wrapped.sign, wrapKey, 'sign'),
    signPublic: stored.signPublic,
    agreePrivate: await unwrapPrivateKey(stored.wrapped.agree, wrapKey, 'agree'),
    agreePublic: stored.agreePublic,
    wrapped: stored.wrapped,
  };
}
