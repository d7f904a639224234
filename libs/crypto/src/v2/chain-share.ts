import { isByteArray, ownBytes } from '../is-byte-array';
import { hkdfSha256 } from '../hkdf-sha256';
import { MessageRejectedError } from '../message-rejected-error';
import { ByteReader } from './byte-reader';
import { concatBytes, u16be, u32be } from './byte-concat';
import { CHAIN_KEY_BYTES, MESSAGE_IV_BYTES } from './chain-ratchet';
import { ed25519Sign, ed25519Verify, ephemeralKeyPair, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, x25519 } from './curve25519';
import { e2eContexts, type E2eContext } from './e2e-contexts';
import { ForgeryError } from './e2e-errors';
import { E2E_FORMAT_VERSION, E2E_LABELS } from './e2e-labels';
import type { Identity } from './identity';
import { RATCHET_LIMITS } from './ratchet-limits';
import { sameBytes } from './same-bytes';

/** Bytes of a chain id. */
export const CHAIN_ID_BYTES = 16;

const TAG_BYTES = 16;
const SEALED_CHAIN_KEY_BYTES = CHAIN_KEY_BYTES + TAG_BYTES;
const ENTRY_BYTES = PUBLIC_KEY_BYTES + 4 + SEALED_CHAIN_KEY_BYTES;
const EMPTY_SALT = new Uint8Array(0);

/** One member a chain is shared with, and from which index. */
export interface ShareRecipient {
  signPublic: Uint8Array;
  agreePublic: Uint8Array;
  index: number;
  chainKey: Uint8Array;
}

/** A sender's chain as a recipient learns it: from `index` on, never before. */
export interface SharedChain {
  generation: number;
  chainId: Uint8Array<ArrayBuffer>;
  index: number;
  chainKey: Uint8Array<ArrayBuffer>;
}

/** A "chain" body split into its fields; its signature not yet checked. */
export interface ParsedChainShare {
  generation: number;
  chainId: Uint8Array<ArrayBuffer>;
  ephemeralPublic: Uint8Array<ArrayBuffer>;
  entries: { signPublic: Uint8Array<ArrayBuffer>; index: number; sealed: Uint8Array<ArrayBuffer> }[];
  unsigned: Uint8Array;
  signature: Uint8Array<ArrayBuffer>;
}

/**
 * The AES-256-GCM key and IV that seal a chain key for one recipient (docs/protocol.md §3.1):
 * `HKDF-SHA256(ikm = X25519(a, B), salt = empty, info = shareInfo, 44)` split into key (32) and
 * IV (12). One side holds the ephemeral private key, the other the recipient's X25519 private key.
 * A fresh ephemeral key for every distribution makes every key, and so every IV, used once.
 */
export async function shareKey(privateKey: CryptoKey, publicKey: Uint8Array, info: Uint8Array): Promise<{ key: CryptoKey; iv: Uint8Array<ArrayBuffer> }> {
  const shared = await x25519(privateKey, publicKey);
  const okm = await hkdfSha256(shared, EMPTY_SALT, info, CHAIN_KEY_BYTES + MESSAGE_IV_BYTES);
  shared.fill(0);
  try {
    const key = await globalThis.crypto.subtle.importKey('raw', okm.subarray(0, CHAIN_KEY_BYTES), 'AES-GCM', false, ['encrypt', 'decrypt']);
    return { key, iv: okm.slice(CHAIN_KEY_BYTES) };
  } finally {
    okm.fill(0);
  }
}

/**
 * A "chain" body (docs/protocol.md §3.1): `u8(2) || u32be(generation) || chainId (16) ||
 * ephemeralPublic (32) || u16be(count) || count × (recipientSignPublic (32) || u32be(index) ||
 * sealedChainKey (48)) || signature (64)`, each chain key sealed under {@link shareKey} with
 * `shareAad`, and the whole body signed by the sender over `lp("ciphernest/v2/chain") ||
 * lp(roomKey) || lp(from) || ` the bytes before the signature. `ephemeral` is for known-answer
 * tests only; otherwise a fresh key pair is made and dropped.
 *
 * @throws RangeError when there is no recipient, too many, or a chain id or chain key of the wrong size.
 */
export async function writeChainShare(
  identity: Identity,
  ctx: E2eContext,
  chain: { generation: number; chainId: Uint8Array; recipients: readonly ShareRecipient[] },
  ephemeral?: { privateKey: CryptoKey; publicKey: Uint8Array },
): Promise<Uint8Array<ArrayBuffer>> {
  const { generation, chainId, recipients } = chain;
  if (recipients.length === 0 || recipients.length > RATCHET_LIMITS.maxRecipients) throw new RangeError('writeChainShare: 1 to maxRecipients recipients');
  if (chainId.length !== CHAIN_ID_BYTES) throw new RangeError(`writeChainShare: chain id must be ${CHAIN_ID_BYTES} bytes`);
  const { privateKey, publicKey: ephemeralPublic } = ephemeral ?? (await ephemeralKeyPair());
  const entries: Uint8Array[] = [];
  for (const recipient of recipients) {
    if (recipient.chainKey.length !== CHAIN_KEY_BYTES) throw new RangeError(`writeChainShare: chain key must be ${CHAIN_KEY_BYTES} bytes`);
    const info = e2eContexts.shareInfo(ctx, {
      senderSignPublic: identity.signPublic,
      recipientSignPublic: recipient.signPublic,
      recipientAgreePublic: recipient.agreePublic,
      ephemeralPublic,
    });
    const { key, iv } = await shareKey(privateKey, recipient.agreePublic, info);
    const aad = e2eContexts.shareAad(generation, chainId, recipient.index);
    const sealed = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, ownBytes(recipient.chainKey));
    entries.push(concatBytes(recipient.signPublic, u32be(recipient.index), new Uint8Array(sealed)));
  }
  const unsigned = concatBytes(new Uint8Array([E2E_FORMAT_VERSION]), u32be(generation), chainId, ephemeralPublic, u16be(recipients.length), ...entries);
  const signature = await ed25519Sign(identity.signPrivate, e2eContexts.signed(E2E_LABELS.chain, ctx, unsigned));
  return concatBytes(unsigned, signature);
}

/**
 * Splits a "chain" body into its fields.
 *
 * @throws MessageRejectedError when malformed or of another version.
 */
export function parseChainShare(body: Uint8Array): ParsedChainShare {
  if (!isByteArray(body)) throw new MessageRejectedError('chain body is not binary');
  const reader = new ByteReader(body, 'chain body');
  if (reader.u8() !== E2E_FORMAT_VERSION) throw new MessageRejectedError('chain body is of another version');
  const generation = reader.u32();
  const chainId = reader.take(CHAIN_ID_BYTES);
  const ephemeralPublic = reader.take(PUBLIC_KEY_BYTES);
  const count = reader.u16();
  if (count === 0 || count > RATCHET_LIMITS.maxRecipients) throw new MessageRejectedError('chain body names no or too many recipients');
  if (reader.remainingBefore(SIGNATURE_BYTES) !== count * ENTRY_BYTES) throw new MessageRejectedError('chain body length does not match its count');
  const entries = Array.from({ length: count }, () => ({ signPublic: reader.take(PUBLIC_KEY_BYTES), index: reader.u32(), sealed: reader.take(SEALED_CHAIN_KEY_BYTES) }));
  const signature = reader.take(SIGNATURE_BYTES);
  reader.end();
  return { generation, chainId, ephemeralPublic, entries, unsigned: body.subarray(0, body.length - SIGNATURE_BYTES), signature };
}

/**
 * Checks a parsed "chain" body against its sender's announced signing key, then opens the entry
 * for `me`, if there is one.
 *
 * @returns the shared chain, or undefined when the body names no entry for `me`.
 * @throws ForgeryError when the signature does not verify; MessageRejectedError when the entry
 *   for `me` does not open (it was sealed for other keys, or altered).
 */
export async function openChainShare(me: Identity, ctx: E2eContext, senderSignPublic: Uint8Array, share: ParsedChainShare): Promise<SharedChain | undefined> {
  if (!(await ed25519Verify(senderSignPublic, share.signature, e2eContexts.signed(E2E_LABELS.chain, ctx, share.unsigned)))) {
    throw new ForgeryError('chain distribution is not signed by its sender');
  }
  const entry = share.entries.find((candidate) => sameBytes(candidate.signPublic, me.signPublic));
  if (entry === undefined) return undefined;
  const info = e2eContexts.shareInfo(ctx, {
    senderSignPublic,
    recipientSignPublic: me.signPublic,
    recipientAgreePublic: me.agreePublic,
    ephemeralPublic: share.ephemeralPublic,
  });
  const { key, iv } = await shareKey(me.agreePrivate, share.ephemeralPublic, info);
  const aad = e2eContexts.shareAad(share.generation, share.chainId, entry.index);
  try {
    const chainKey = new Uint8Array(await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, entry.sealed));
    return { generation: share.generation, chainId: share.chainId, index: entry.index, chainKey };
  } catch (cause) {
    throw new MessageRejectedError('chain key for this tab does not open', { cause });
  }
}

