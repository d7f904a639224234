import { VAULT_PATTERN } from '@ciphernest/protocol';
import { b64urlDecode } from '../b64url';
import { hkdfParams, importHkdfKey } from '../hkdf-sha256';
import { E2E_LABELS } from './e2e-labels';

/**
 * The key that wraps a tab's private keys under its session's vault (docs/protocol.md §3.1,
 * "What a tab keeps"): HKDF-SHA256(ikm = the vault's 32 bytes, salt = empty,
 * info = UTF-8("ciphernest/v2/identity-wrap"), 32 bytes) as an AES-256-GCM key,
 * non-extractable, usages `wrapKey` and `unwrapKey` only.
 *
 * Security: like vault-seal.ts's key, it lives in memory only; once the session has ended the
 * server has forgotten the vault and what it wrapped opens for nobody.
 *
 * @throws TypeError when `vault` is not canonical b64url of 32 bytes.
 */
export async function identityWrapKey(vault: string): Promise<CryptoKey> {
  if (typeof vault !== 'string' || !VAULT_PATTERN.test(vault)) throw new TypeError('identityWrapKey: vault must be b64url of 32 bytes');
  const ikm = b64urlDecode(vault);
  try {
    return await globalThis.crypto.subtle.deriveKey(
      hkdfParams(new Uint8Array(0), new TextEncoder().encode(E2E_LABELS.identityWrap)),
      await importHkdfKey(ikm),
      { name: 'AES-GCM', length: 256 },
      false,
      ['wrapKey', 'unwrapKey'],
    );
  } finally {
    ikm.fill(0);
  }
}
