import { isByteArray, ownBytes } from '../is-byte-array';
import { MessageRejectedError } from '../message-rejected-error';

/** Bytes of an Ed25519 or X25519 public key, and of an X25519 result. */
export const PUBLIC_KEY_BYTES = 32;
/** Bytes of an Ed25519 signature. */
export const SIGNATURE_BYTES = 64;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

function publicKeyBytes(bytes: Uint8Array, what: string): Uint8Array<ArrayBuffer> {
  if (!isByteArray(bytes) || bytes.length !== PUBLIC_KEY_BYTES) throw new MessageRejectedError(`${what} is not ${PUBLIC_KEY_BYTES} bytes`);
  return ownBytes(bytes);
}

/** The 32 raw bytes of a public key. */
export async function exportPublicKey(key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().exportKey('raw', key));
}

/** Ed25519 over `message` with a (non-extractable) private key: 64 bytes, deterministic (RFC 8032). */
export async function ed25519Sign(privateKey: CryptoKey, message: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().sign('Ed25519', privateKey, ownBytes(message)));
}

/**
 * True when `signature` is `publicKey`'s Ed25519 signature of `message`. A public key that does
 * not import (not 32 bytes, not a point) verifies nothing.
 */
export async function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (!isByteArray(signature) || signature.length !== SIGNATURE_BYTES) return false;
  try {
    const key = await subtle().importKey('raw', publicKeyBytes(publicKey, 'signing key'), 'Ed25519', false, ['verify']);
    return await subtle().verify('Ed25519', key, ownBytes(signature), ownBytes(message));
  } catch {
    return false;
  }
}

/**
 * X25519(privateKey, publicKey): 32 bytes. WebCrypto refuses an all-zero result (a public key of
 * small order), so no party can force a known shared secret on another.
 *
 * @throws MessageRejectedError when the public key is not 32 bytes or the agreement fails.
 */
export async function x25519(privateKey: CryptoKey, publicKey: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const key = await subtle().importKey('raw', publicKeyBytes(publicKey, 'agreement key'), 'X25519', false, []);
  try {
    return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: key }, privateKey, PUBLIC_KEY_BYTES * 8));
  } catch (cause) {
    throw new MessageRejectedError('agreement key gives no shared secret', { cause });
  }
}

/** A fresh X25519 key pair whose private key is non-extractable: a distribution's ephemeral key. */
export async function ephemeralKeyPair(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array<ArrayBuffer> }> {
  const pair = (await subtle().generateKey('X25519', false, ['deriveBits'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: await exportPublicKey(pair.publicKey) };
}
