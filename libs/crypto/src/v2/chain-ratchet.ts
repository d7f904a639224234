import { isByteArray } from '../is-byte-array';
import { hkdfBits, importHkdfKey } from '../hkdf-sha256';
import { E2E_LABELS } from './e2e-labels';

/** Bytes of a chain key and of a message key. */
export const CHAIN_KEY_BYTES = 32;
/** Bytes of a message IV. */
export const MESSAGE_IV_BYTES = 12;

/** What one index of a chain seals with: used for one message, then deleted. */
export interface MessageKeys {
  key: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
}

const EMPTY_SALT = new Uint8Array(0);
const encoder = new TextEncoder();
const MESSAGE_KEY_INFO = encoder.encode(E2E_LABELS.messageKey);
const MESSAGE_IV_INFO = encoder.encode(E2E_LABELS.messageIv);
const CHAIN_KEY_INFO = encoder.encode(E2E_LABELS.chainKey);

/**
 * One step of a sender chain (docs/protocol.md §3.1), from `CK_i`:
 * `MK_i = HKDF-SHA256(CK_i, salt = empty, info = "ciphernest/v2/message-key", 32)`,
 * `IV_i = HKDF-SHA256(CK_i, salt = empty, info = "ciphernest/v2/message-iv", 12)` and
 * `CK_{i+1} = HKDF-SHA256(CK_i, salt = empty, info = "ciphernest/v2/chain-key", 32)`.
 * HKDF is one-way, so `CK_{i+1}` yields nothing of index i or before: once `CK_i` is deleted,
 * the chain's earlier messages are out of reach of whoever takes the state later.
 *
 * Security: the caller owns `chainKey` and deletes (zeroes) it once it holds the next one.
 *
 * @throws RangeError when `chainKey` is not 32 bytes.
 */
export async function ratchetStep(chainKey: Uint8Array): Promise<{ messageKeys: MessageKeys; nextChainKey: Uint8Array<ArrayBuffer> }> {
  if (!isByteArray(chainKey) || chainKey.length !== CHAIN_KEY_BYTES) throw new RangeError(`ratchetStep: chain key must be ${CHAIN_KEY_BYTES} bytes`);
  const hkdfKey = await importHkdfKey(chainKey);
  const [key, iv, nextChainKey] = await Promise.all([
    hkdfBits(hkdfKey, EMPTY_SALT, MESSAGE_KEY_INFO, CHAIN_KEY_BYTES),
    hkdfBits(hkdfKey, EMPTY_SALT, MESSAGE_IV_INFO, MESSAGE_IV_BYTES),
    hkdfBits(hkdfKey, EMPTY_SALT, CHAIN_KEY_INFO, CHAIN_KEY_BYTES),
  ]);
  return { messageKeys: { key, iv }, nextChainKey };
}

/** Zeroes a message key and IV once used. */
export function wipeMessageKeys(keys: MessageKeys): void {
  keys.key.fill(0);
  keys.iv.fill(0);
}
