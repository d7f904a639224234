import { isByteArray, ownBytes } from '../is-byte-array';
import { MessageRejectedError } from '../message-rejected-error';
import { ByteReader } from './byte-reader';
import { concatBytes, u32be } from './byte-concat';
import type { MessageKeys } from './chain-ratchet';
import { CHAIN_ID_BYTES } from './chain-share';
import { ed25519Sign, ed25519Verify, SIGNATURE_BYTES } from './curve25519';
import { e2eContexts, type E2eContext } from './e2e-contexts';
import { ForgeryError } from './e2e-errors';
import { E2E_FORMAT_VERSION, E2E_LABELS } from './e2e-labels';

/** A "sealed" body split into its fields; its signature not yet checked. */
export interface ParsedSealed {
  chainId: Uint8Array<ArrayBuffer>;
  index: number;
  ciphertext: Uint8Array<ArrayBuffer>;
  unsigned: Uint8Array;
  signature: Uint8Array<ArrayBuffer>;
}

const TAG_BYTES = 16;

/** What a "sealed" body adds to its plaintext: version, chainId, index, the AES-GCM tag and the signature. */
export const SEALED_OVERHEAD_BYTES = 1 + CHAIN_ID_BYTES + 4 + TAG_BYTES + SIGNATURE_BYTES;

async function messageCryptoKey(keys: MessageKeys): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', keys.key, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/**
 * A "sealed" body (docs/protocol.md §3.1): `u8(2) || chainId (16) || u32be(index) || ciphertext
 * || signature (64)`, where `ciphertext = AES-256-GCM(MK_index, IV_index, plaintext, messageAad)`
 * (tag included) and the signature covers `lp("ciphernest/v2/sealed") || lp(roomKey) || lp(from)
 * || lp(id) || ` the bytes before it. `plaintext` is a §3 plaintext (any kind: text, image, file, action).
 * Cost: one AES-GCM seal and one signature.
 */
export async function writeSealed(
  signPrivate: CryptoKey,
  ctx: E2eContext,
  message: { id: string; chainId: Uint8Array; index: number; keys: MessageKeys; plaintext: Uint8Array },
): Promise<Uint8Array<ArrayBuffer>> {
  const { id, chainId, index, keys, plaintext } = message;
  const additionalData = e2eContexts.messageAad(ctx, id, chainId, index);
  const ciphertext = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: keys.iv, additionalData, tagLength: 128 },
    await messageCryptoKey(keys),
    ownBytes(plaintext),
  );
  const unsigned = concatBytes(new Uint8Array([E2E_FORMAT_VERSION]), chainId, u32be(index), new Uint8Array(ciphertext));
  const signature = await ed25519Sign(signPrivate, e2eContexts.signed(E2E_LABELS.sealed, ctx, unsigned, id));
  return concatBytes(unsigned, signature);
}

/**
 * Splits a "sealed" body into its fields.
 *
 * @throws MessageRejectedError when malformed or of another version.
 */
export function parseSealed(body: Uint8Array): ParsedSealed {
  if (!isByteArray(body)) throw new MessageRejectedError('sealed body is not binary');
  const reader = new ByteReader(body, 'sealed body');
  if (reader.u8() !== E2E_FORMAT_VERSION) throw new MessageRejectedError('sealed body is of another version');
  const chainId = reader.take(CHAIN_ID_BYTES);
  const index = reader.u32();
  const ciphertextLength = reader.remainingBefore(SIGNATURE_BYTES);
  if (ciphertextLength < TAG_BYTES) throw new MessageRejectedError('sealed body is too short');
  const ciphertext = reader.take(ciphertextLength);
  const signature = reader.take(SIGNATURE_BYTES);
  reader.end();
  return { chainId, index, ciphertext, unsigned: body.subarray(0, body.length - SIGNATURE_BYTES), signature };
}

/**
 * Checks a "sealed" body's signature under the key announced for `ctx.from`: room, sender, id,
 * chain, index and ciphertext as sent. Done before anything else, so no forged body moves a chain.
 *
 * @throws ForgeryError when it does not verify.
 */
export async function verifySealed(ctx: E2eContext, id: string, sealed: ParsedSealed, senderSignPublic: Uint8Array): Promise<void> {
  if (!(await ed25519Verify(senderSignPublic, sealed.signature, e2eContexts.signed(E2E_LABELS.sealed, ctx, sealed.unsigned, id)))) {
    throw new ForgeryError('sealed message is not signed by its sender');
  }
}

/**
 * Opens a verified "sealed" body's ciphertext with its index's message keys.
 *
 * @throws MessageRejectedError when it does not open.
 */
export async function openSealed(ctx: E2eContext, id: string, sealed: ParsedSealed, keys: MessageKeys): Promise<Uint8Array<ArrayBuffer>> {
  const additionalData = e2eContexts.messageAad(ctx, id, sealed.chainId, sealed.index);
  try {
    return new Uint8Array(
      await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: keys.iv, additionalData, tagLength: 128 }, await messageCryptoKey(keys), sealed.ciphertext),
    );
  } catch (cause) {
    throw new MessageRejectedError('sealed message does not open', { cause });
  }
}
