// Internal: HKDF-SHA256 over WebCrypto. Not part of the barrel; exported for the RFC 5869
// known-answer spec, which must go through the same calls as roomKeysFromMaster.

import { ownBytes } from './is-byte-array';

export function hkdfParams(salt: Uint8Array, info: Uint8Array): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt: ownBytes(salt), info: ownBytes(info) };
}

/** Imports input keying material as a non-extractable HKDF key. */
export function importHkdfKey(ikm: Uint8Array): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', ownBytes(ikm), 'HKDF', false, ['deriveBits', 'deriveKey']);
}

/** `length` bytes of HKDF-SHA256 output from an imported HKDF key. */
export async function hkdfBits(key: CryptoKey, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await globalThis.crypto.subtle.deriveBits(hkdfParams(salt, info), key, length * 8));
}

/** HKDF-SHA256(ikm, salt, info, length) of RFC 5869. */
export async function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  return hkdfBits(await importHkdfKey(ikm), salt, info, length);
}
