import { concatBytes, lengthPrefixedText, u32be } from './byte-concat';
import { E2E_FORMAT_VERSION, E2E_LABELS } from './e2e-labels';

/** Where a v2 body was sent: the room key of docs/protocol.md §1 and the sender's username as the server reports it. */
export interface E2eContext {
  roomKey: string;
  from: string;
}

/**
 * The byte strings that layer v2 signs, authenticates or derives from (docs/protocol.md §3.1).
 * Every one starts with its own label and puts every variable-length field behind its length
 * (`lp`), so none can be read as another.
 */
export const e2eContexts = {
  /**
   * What a body's Ed25519 signature covers: `lp(label) || lp(roomKey) || lp(from) [|| lp(id)] ||
   * unsigned`, `unsigned` being the body up to its signature. The room and sender are not in
   * the body, only in the signature, so a body moved to another room or name no longer verifies.
   */
  signed(label: string, ctx: E2eContext, unsigned: Uint8Array, id?: string): Uint8Array<ArrayBuffer> {
    const idPart = id === undefined ? new Uint8Array(0) : lengthPrefixedText(id);
    return concatBytes(lengthPrefixedText(label), lengthPrefixedText(ctx.roomKey), lengthPrefixedText(ctx.from), idPart, unsigned);
  },

  /** AAD of a "sealed" message's inner seal: `lp(label) || lp(roomKey) || lp(from) || lp(id) || chainId || u32be(index)`. */
  messageAad(ctx: E2eContext, id: string, chainId: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
    return concatBytes(
      lengthPrefixedText(E2E_LABELS.message),
      lengthPrefixedText(ctx.roomKey),
      lengthPrefixedText(ctx.from),
      lengthPrefixedText(id),
      chainId,
      u32be(index),
    );
  },

  /**
   * HKDF info of the key that seals a chain key for one recipient: `lp(label) || lp(roomKey) ||
   * lp(from) || senderSignPublic || recipientSignPublic || recipientAgreePublic || ephemeralPublic`.
   * Both parties' identity keys and the ephemeral key are in it, so the key is bound to who
   * shares with whom (the X25519 result alone says neither).
   */
  shareInfo(
    ctx: E2eContext,
    keys: { senderSignPublic: Uint8Array; recipientSignPublic: Uint8Array; recipientAgreePublic: Uint8Array; ephemeralPublic: Uint8Array },
  ): Uint8Array<ArrayBuffer> {
    return concatBytes(
      lengthPrefixedText(E2E_LABELS.chainShare),
      lengthPrefixedText(ctx.roomKey),
      lengthPrefixedText(ctx.from),
      keys.senderSignPublic,
      keys.recipientSignPublic,
      keys.recipientAgreePublic,
      keys.ephemeralPublic,
    );
  },

  /** AAD of one recipient's sealed chain key: `lp(label) || u8(2) || u32be(generation) || chainId || u32be(index)`. */
  shareAad(generation: number, chainId: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
    return concatBytes(lengthPrefixedText(E2E_LABELS.chainShare), new Uint8Array([E2E_FORMAT_VERSION]), u32be(generation), chainId, u32be(index));
  },
} as const;

