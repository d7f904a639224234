/**
 * Every label of layer v2 (docs/protocol.md §3.1). Each derivation and each signature starts
 * from its own label, so no output of one can be taken for another's (the lack of such domain
 * separation is one of the flaws found in Matrix's protocols in 2022).
 */
export const E2E_LABELS = {
  /** Signed context of a "keys" announcement. */
  keys: 'ciphernest/v2/keys',
  /** Signed context of a "chain" distribution. */
  chain: 'ciphernest/v2/chain',
  /** HKDF info of the key that seals a chain key for one recipient, and that seal's AAD. */
  chainShare: 'ciphernest/v2/chain-share',
  /** Signed context of a "sealed" message. */
  sealed: 'ciphernest/v2/sealed',
  /** AAD of a "sealed" message's inner AES-GCM. */
  message: 'ciphernest/v2/message',
  /** HKDF info: a chain key to its message key. */
  messageKey: 'ciphernest/v2/message-key',
  /** HKDF info: a chain key to its message IV. */
  messageIv: 'ciphernest/v2/message-iv',
  /** HKDF info: a chain key to the next chain key. */
  chainKey: 'ciphernest/v2/chain-key',
  /** HKDF info of the key that wraps a tab's private keys under its session's vault. */
  identityWrap: 'ciphernest/v2/identity-wrap',
  /** The vault-seal label of a room's serialised v2 state. */
  stateSeal: 'e2e-state',
} as const;

/** The first byte of every v2 body: bodies of another version are refused. */
export const E2E_FORMAT_VERSION = 2;
