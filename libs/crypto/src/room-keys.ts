import type { Kdf } from '@ciphernest/protocol';
import { argon2Master } from './argon2-master';
import { b64urlEncode } from './b64url';
import { hkdfBits, hkdfParams, importHkdfKey } from './hkdf-sha256';
import { isByteArray, ownBytes } from './is-byte-array';

/** What a member holds for a room (docs/protocol.md §2). */
export interface RoomKeys {
  /** AES-256-GCM, non-extractable, usages `encrypt` and `decrypt`. */
  encKey: CryptoKey;
  /** b64url of 32 bytes (43 characters): proves knowledge of the password to the server. */
  verifier: string;
  /** Five groups of four lowercase hex digits, compared out of band by members. */
  fingerprint: string;
}

const MASTER_BYTES = 32;
const ENC_KEY_BYTES = 32;
const VERIFIER_BYTES = 32;
const FINGERPRINT_BYTES = 10;
const EMPTY_SALT = new Uint8Array(0);

function info(label: 'enc' | 'verifier' | 'fingerprint', roomKey: string): Uint8Array {
  return new TextEncoder().encode(`ciphernest/v1/${label}/${roomKey}`);
}

/**
 * The room's keys from its 32-byte Argon2id master (docs/protocol.md §2): HKDF-SHA256 with an
 * empty salt and info `ciphernest/v1/<label>/<roomKey>` for the labels `enc`, `verifier`
 * and `fingerprint`. Split from {@link argon2Master} so a browser can run Argon2id in a
 * Web Worker and this step (which creates the CryptoKey) in the page.
 *
 * Security: `encKey` is created by `deriveKey` as non-extractable, so its bytes never
 * reach JavaScript. The verifier is the only value meant for the server. The caller owns
 * `master` and should zero it afterwards. `roomKey` must be the room key of docs/protocol.md §1
 * (lower-cased, trimmed, NFC), not the name as typed, or members derive different keys.
 *
 * @throws RangeError when `master` is not 32 bytes; TypeError when `roomKey` is empty.
 */
export async function roomKeysFromMaster(master: Uint8Array, roomKey: string): Promise<RoomKeys> {
  if (!isByteArray(master) || master.length !== MASTER_BYTES) {
    throw new RangeError(`roomKeysFromMaster: master must be ${MASTER_BYTES} bytes`);
  }
  if (typeof roomKey !== 'string' || roomKey.length === 0) throw new TypeError('roomKeysFromMaster: roomKey must be a non-empty string');
  const hkdfKey = await importHkdfKey(master);
  const [encKey, verifier, fingerprint] = await Promise.all([
    globalThis.crypto.subtle.deriveKey(
      hkdfParams(EMPTY_SALT, info('enc', roomKey)),
      hkdfKey,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    ),
    hkdfBits(hkdfKey, EMPTY_SALT, info('verifier', roomKey), VERIFIER_BYTES),
    hkdfBits(hkdfKey, EMPTY_SALT, info('fingerprint', roomKey), FINGERPRINT_BYTES),
  ]);
  return { encKey, verifier: b64urlEncode(verifier), fingerprint: formatFingerprint(fingerprint) };
}

/**
 * The raw 32 bytes of `encKey` (HKDF-SHA256 of `master` with the `enc` label, docs/protocol.md §2),
 * for a client that must seal the key under its session's vault (vault-seal.ts) to keep it
 * across a reload. {@link importEncKey} turns them into the same key as `roomKeysFromMaster`'s.
 *
 * Security: these bytes are the room key. Keep them only until they are sealed, then zero them;
 * never store or send them.
 *
 * @throws RangeError when `master` is not 32 bytes; TypeError when `roomKey` is empty.
 */
export async function encKeyBytesFromMaster(master: Uint8Array, roomKey: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!isByteArray(master) || master.length !== MASTER_BYTES) {
    throw new RangeError(`encKeyBytesFromMaster: master must be ${MASTER_BYTES} bytes`);
  }
  if (typeof roomKey !== 'string' || roomKey.length === 0) throw new TypeError('encKeyBytesFromMaster: roomKey must be a non-empty string');
  return hkdfBits(await importHkdfKey(master), EMPTY_SALT, info('enc', roomKey), ENC_KEY_BYTES);
}

/**
 * 32 raw bytes as the room's `encKey`: AES-256-GCM, non-extractable, usages `encrypt` and
 * `decrypt`. The caller zeroes `bytes` afterwards.
 *
 * @throws RangeError when `bytes` is not 32 bytes long.
 */
export async function importEncKey(bytes: Uint8Array): Promise<CryptoKey> {
  if (!isByteArray(bytes) || bytes.length !== ENC_KEY_BYTES) throw new RangeError(`importEncKey: expected ${ENC_KEY_BYTES} bytes`);
  const copy = ownBytes(bytes);
  try {
    return await globalThis.crypto.subtle.importKey('raw', copy, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  } finally {
    copy.fill(0);
  }
}

/**
 * {@link argon2Master} then {@link roomKeysFromMaster}, zeroing the master afterwards.
 * Runs Argon2id on the calling thread; browsers should prefer the split form.
 *
 * @throws KdfRejectedError when `kdf` is out of range, before any work.
 */
export async function deriveRoomKeys(password: string, roomKey: string, kdf: Kdf): Promise<RoomKeys> {
  const master = await argon2Master(password, kdf);
  try {
    return await roomKeysFromMaster(master, roomKey);
  } finally {
    master.fill(0);
  }
}

/**
 * The shown form of a 10-byte fingerprint: `xxxx-xxxx-xxxx-xxxx-xxxx`, lowercase hex.
 *
 * @throws RangeError when `bytes` is not 10 bytes long.
 */
export function formatFingerprint(bytes: Uint8Array): string {
  if (!isByteArray(bytes) || bytes.length !== FINGERPRINT_BYTES) {
    throw new RangeError(`formatFingerprint: expected ${FINGERPRINT_BYTES} bytes`);
  }
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16).padStart(4, '0'));
  }
  return groups.join('-');
}
