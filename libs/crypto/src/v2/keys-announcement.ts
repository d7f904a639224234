import { isByteArray } from '../is-byte-array';
import { MessageRejectedError } from '../message-rejected-error';
import { ByteReader } from './byte-reader';
import { concatBytes } from './byte-concat';
import { ed25519Sign, ed25519Verify, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './curve25519';
import { e2eContexts, type E2eContext } from './e2e-contexts';
import { ForgeryError } from './e2e-errors';
import { E2E_FORMAT_VERSION, E2E_LABELS } from './e2e-labels';
import type { Identity } from './identity';

/** What a "keys" body says, once its signature has been checked. */
export interface KeysAnnouncement {
  signPublic: Uint8Array<ArrayBuffer>;
  agreePublic: Uint8Array<ArrayBuffer>;
  /** The sender holds no one's keys yet (a new tab): every member answers with its own "keys". */
  requestsKeys: boolean;
}

const REQUESTS_KEYS = 0x01;

/**
 * A "keys" body (docs/protocol.md §3.1): `u8(2) || u8(flags) || signPublic (32) || agreePublic (32)
 * || signature (64)`, the signature by `signPublic`'s private key over
 * `lp("ciphernest/v2/keys") || lp(roomKey) || lp(from) || ` the 66 bytes before it.
 * Signing the room and the name with the keys ties them together: the announcement cannot be
 * replayed under another name or in another room, and no one can announce another's key as theirs.
 */
export async function writeKeysAnnouncement(identity: Identity, ctx: E2eContext, requestsKeys: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const unsigned = concatBytes(new Uint8Array([E2E_FORMAT_VERSION, requestsKeys ? REQUESTS_KEYS : 0]), identity.signPublic, identity.agreePublic);
  const signature = await ed25519Sign(identity.signPrivate, e2eContexts.signed(E2E_LABELS.keys, ctx, unsigned));
  return concatBytes(unsigned, signature);
}

/**
 * Reads and checks a "keys" body sent by `ctx.from`. Flag bits other than the first are
 * ignored (a later version's).
 *
 * @throws MessageRejectedError when malformed or of another version; ForgeryError when its
 *   signature does not verify under the key it announces.
 */
export async function readKeysAnnouncement(ctx: E2eContext, body: Uint8Array): Promise<KeysAnnouncement> {
  if (!isByteArray(body)) throw new MessageRejectedError('keys body is not binary');
  const reader = new ByteReader(body, 'keys body');
  if (reader.u8() !== E2E_FORMAT_VERSION) throw new MessageRejectedError('keys body is of another version');
  const flags = reader.u8();
  const signPublic = reader.take(PUBLIC_KEY_BYTES);
  const agreePublic = reader.take(PUBLIC_KEY_BYTES);
  const signature = reader.take(SIGNATURE_BYTES);
  reader.end();
  const unsigned = body.subarray(0, body.length - SIGNATURE_BYTES);
  if (!(await ed25519Verify(signPublic, signature, e2eContexts.signed(E2E_LABELS.keys, ctx, unsigned)))) {
    throw new ForgeryError('keys announcement is not signed by the key it announces');
  }
  return { signPublic, agreePublic, requestsKeys: (flags & REQUESTS_KEYS) !== 0 };
}
