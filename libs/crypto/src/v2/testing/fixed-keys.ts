// Test only: keys imported from fixed bytes, so known-answer vectors are reproducible. The
// library itself never imports a private key from bytes (identity.ts generates them).

import { randomBytes } from '../../random-bytes';
import type { Identity } from '../identity';
import { identityWrapKey } from '../identity-wrap-key';

/** PKCS #8 of a 32-byte Ed25519 seed is this prefix and the seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** PKCS #8 of a 32-byte X25519 private key is this prefix and the key (RFC 8410). */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

type Curve = 'Ed25519' | 'X25519';

async function importFixed(curve: Curve, seed: Uint8Array): Promise<{ extractable: CryptoKey; publicKey: Uint8Array<ArrayBuffer> }> {
  const prefix = curve === 'Ed25519' ? ED25519_PKCS8_PREFIX : X25519_PKCS8_PREFIX;
  const usages: KeyUsage[] = curve === 'Ed25519' ? ['sign'] : ['deriveBits'];
  const extractable = await crypto.subtle.importKey('pkcs8', new Uint8Array(Buffer.concat([prefix, seed])), curve, true, usages);
  const jwk = await crypto.subtle.exportKey('jwk', extractable);
  return { extractable, publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) };
}

async function nonExtractable(curve: Curve, seed: Uint8Array): Promise<CryptoKey> {
  const prefix = curve === 'Ed25519' ? ED25519_PKCS8_PREFIX : X25519_PKCS8_PREFIX;
  return crypto.subtle.importKey('pkcs8', new Uint8Array(Buffer.concat([prefix, seed])), curve, false, curve === 'Ed25519' ? ['sign'] : ['deriveBits']);
}

async function wrap(key: CryptoKey, wrapKey: CryptoKey, part: 'sign' | 'agree'): Promise<Uint8Array<ArrayBuffer>> {
  const iv = randomBytes(12);
  const additionalData = new TextEncoder().encode(`ciphernest/v2/identity-wrap/${part}`);
  const wrapped = await crypto.subtle.wrapKey('pkcs8', key, wrapKey, { name: 'AES-GCM', iv, additionalData });
  return new Uint8Array(Buffer.concat([iv, new Uint8Array(wrapped)]));
}

/** An identity from fixed seeds, its private keys non-extractable, wrapped under `vault` as the library would. */
export async function fixedIdentity(signSeed: Uint8Array, agreeSeed: Uint8Array, vault: string): Promise<Identity> {
  const sign = await importFixed('Ed25519', signSeed);
  const agree = await importFixed('X25519', agreeSeed);
  const wrapKey = await identityWrapKey(vault);
  return {
    signPrivate: await nonExtractable('Ed25519', signSeed),
    signPublic: sign.publicKey,
    agreePrivate: await nonExtractable('X25519', agreeSeed),
    agreePublic: agree.publicKey,
    wrapped: { sign: await wrap(sign.extractable, wrapKey, 'sign'), agree: await wrap(agree.extractable, wrapKey, 'agree') },
  };
}

/** An ephemeral X25519 key pair from a fixed private key, as writeChainShare takes one. */
export async function fixedEphemeral(seed: Uint8Array): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array<ArrayBuffer> }> {
  return { privateKey: await nonExtractable('X25519', seed), publicKey: (await importFixed('X25519', seed)).publicKey };
}
