import { VAULT_PATTERN } from '@ciphernest/protocol';
import { b64urlDecode } from './b64url';
import { hkdfParams, importHkdfKey } from './hkdf-sha256';
import { isByteArray, ownBytes } from './is-byte-array';
import { randomBytes } from './random-bytes';
import { importEncKey } from './room-keys';
import { VaultSealError } from './vault-seal-error';

/** HKDF-SHA256 info (UTF-8) of the key a session's vault seals under; also the prefix of every seal's AAD. */
export const VAULT_SEAL_INFO = 'ciphernest/v1/vault-seal';
/** The label of {@link sealSessionSecrets}' blobs. */
export const SESSION_SECRETS_LABEL = 'session-secrets';

const EMPTY_SALT = new Uint8Array(0);
const IV_BYTES = 12;
const TAG_BITS = 128;
const ENC_KEY_BYTES = 32;
const FINGERPRINT_PATTERN = /^[0-9a-f]{4}(-[0-9a-f]{4}){4}$/;
const LABEL_PATTERN = /^[a-z0-9-]{1,64}$/;

/** What a client keeps of its session across a reload (docs/protocol.md §2 keys), once unsealed. */
export interface SessionSecrets {
  /** AES-256-GCM, non-extractable, usages `encrypt` and `decrypt`. */
  encKey: CryptoKey;
  fingerprint: string;
}

function sealAad(label: string): Uint8Array<ArrayBuffer> {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) throw new TypeError('vault seal: label must be 1 to 64 of [a-z0-9-]');
  return new TextEncoder().encode(`${VAULT_SEAL_INFO}/${label}`);
}

/**
 * The key a session's vault (docs/protocol.md §4, 1.1) seals under: HKDF-SHA256(ikm = the vault's
 * 32 bytes, salt = empty, info = UTF-8("ciphernest/v1/vault-seal"), 32 bytes) as an
 * AES-256-GCM key, non-extractable, usages `encrypt` and `decrypt`.
 *
 * Security: the vault is a secret the server keeps in memory only and forgets when the session
 * ends; a client keeps it (and this key) in memory only, never on disk, so what it sealed on
 * disk stops opening once the session is over.
 *
 * @throws TypeError when `vault` is not canonical b64url of 32 bytes (`VAULT_PATTERN`).
 */
export async function vaultSealKey(vault: string): Promise<CryptoKey> {
  if (typeof vault !== 'string' || !VAULT_PATTERN.test(vault)) throw new TypeError('vaultSealKey: vault must be b64url of 32 bytes');
  const ikm = b64urlDecode(vault);
  try {
    const hkdfKey = await importHkdfKey(ikm);
    return await globalThis.crypto.subtle.deriveKey(
      hkdfParams(EMPTY_SALT, new TextEncoder().encode(VAULT_SEAL_INFO)),
      hkdfKey,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  } finally {
    ikm.fill(0);
  }
}

/**
 * `sealed = iv || AES-256-GCM(sealKey, iv, plaintext, aad = UTF-8("ciphernest/v1/vault-seal/" + label))`
 * with a fresh random 12-byte iv and a 16-byte tag. The label says what the blob holds, so a
 * blob of one kind never opens as another.
 *
 * @throws TypeError when `label` is not 1 to 64 of `[a-z0-9-]` or `plaintext` is not a Uint8Array.
 */
export async function sealUnderVault(sealKey: CryptoKey, label: string, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const aad = sealAad(label);
  if (!isByteArray(plaintext)) throw new TypeError('sealUnderVault: plaintext must be a Uint8Array');
  const iv = randomBytes(IV_BYTES);
  const copy = ownBytes(plaintext);
  let ciphertext: ArrayBuffer;
  try {
    ciphertext = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BITS }, sealKey, copy);
  } finally {
    copy.fill(0);
  }
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  sealed.set(iv, 0);
  sealed.set(new Uint8Array(ciphertext), IV_BYTES);
  return sealed;
}

/**
 * Opens a blob from {@link sealUnderVault} under the same key and label.
 *
 * @throws VaultSealError when it does not open (another vault or label, altered or short bytes).
 */
export async function openUnderVault(sealKey: CryptoKey, label: string, sealed: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const aad = sealAad(label);
  if (!isByteArray(sealed) || sealed.length < IV_BYTES + TAG_BITS / 8) throw new VaultSealError('sealed blob is malformed');
  try {
    const iv = ownBytes(sealed.subarray(0, IV_BYTES));
    const ciphertext = ownBytes(sealed.subarray(IV_BYTES));
    return new Uint8Array(await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BITS }, sealKey, ciphertext));
  } catch (cause) {
    throw new VaultSealError('sealed blob does not open', { cause });
  }
}

/**
 * Seals a session's secrets under its vault: the room's `encKey` as raw bytes (from
 * `encKeyBytesFromMaster`) and the fingerprint, as `encKeyBytes (32) || UTF-8(fingerprint)`
 * under the label {@link SESSION_SECRETS_LABEL}. The blob is what a client may keep on disk.
 *
 * Security: the caller still owns `encKeyBytes` and should zero it afterwards; the plaintext
 * copy made here is zeroed.
 *
 * @throws TypeError on a malformed vault; RangeError when `encKeyBytes` is not 32 bytes or the
 *   fingerprint is not five groups of four lowercase hex digits.
 */
export async function sealSessionSecrets(vault: string, encKeyBytes: Uint8Array, fingerprint: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!isByteArray(encKeyBytes) || encKeyBytes.length !== ENC_KEY_BYTES) throw new RangeError(`sealSessionSecrets: encKeyBytes must be ${ENC_KEY_BYTES} bytes`);
  if (typeof fingerprint !== 'string' || !FINGERPRINT_PATTERN.test(fingerprint)) throw new RangeError('sealSessionSecrets: malformed fingerprint');
  const sealKey = await vaultSealKey(vault);
  const print = new TextEncoder().encode(fingerprint);
  const plaintext = new Uint8Array(ENC_KEY_BYTES + print.length);
  plaintext.set(encKeyBytes, 0);
  plaintext.set(print, ENC_KEY_BYTES);
  try {
    return await sealUnderVault(sealKey, SESSION_SECRETS_LABEL, plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Opens a blob from {@link sealSessionSecrets}: `encKey` comes back non-extractable (its raw
 * bytes are zeroed here at once), with the fingerprint.
 *
 * @throws TypeError on a malformed vault; VaultSealError when the blob does not open under it
 *   or holds something malformed.
 */
export async function openSessionSecrets(vault: string, sealed: Uint8Array): Promise<SessionSecrets> {
  const plaintext = await openUnderVault(await vaultSealKey(vault), SESSION_SECRETS_LABEL, sealed);
  try {
    const fingerprint = new TextDecoder().decode(plaintext.subarray(ENC_KEY_BYTES));
    if (plaintext.length <= ENC_KEY_BYTES || !FINGERPRINT_PATTERN.test(fingerprint)) throw new VaultSealError('sealed session secrets are malformed');
    return { encKey: await importEncKey(plaintext.subarray(0, ENC_KEY_BYTES)), fingerprint };
  } finally {
    plaintext.fill(0);
  }
}
