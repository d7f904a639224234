import { b64urlDecode, b64urlEncode } from '../b64url';
import { randomBytes } from '../random-bytes';
import { CHAIN_KEY_BYTES, ratchetStep, type MessageKeys } from './chain-ratchet';
import { CHAIN_ID_BYTES } from './chain-share';
import { RATCHET_LIMITS } from './ratchet-limits';

/** The tab's own chain as stored (sealed under the vault). */
export interface SendingChainSnapshot {
  chainId: string;
  generation: number;
  index: number;
  chainKey: string;
  startKey?: string;
  startedAt: number;
}

/**
 * The tab's own sender chain (docs/protocol.md §3.1): a random chain id and `CK_0`, advanced
 * once per message, each chain key deleted as soon as the next is derived. `startKey` (`CK_0`)
 * is kept only while members the chain was started for are pending (their keys not yet
 * known), and at most `maxKeptAgeMs`, so they can read the chain from its start.
 */
export class SendingChain {
  private constructor(
    readonly chainId: Uint8Array<ArrayBuffer>,
    readonly generation: number,
    private index: number,
    private chainKey: Uint8Array<ArrayBuffer>,
    private startKey: Uint8Array<ArrayBuffer> | undefined,
    readonly startedAt: number,
  ) {}

  /** A new chain: 16 random bytes of id, 32 of `CK_0`. */
  static start(generation: number, now: number): SendingChain {
    const chainKey = randomBytes(CHAIN_KEY_BYTES);
    return new SendingChain(randomBytes(CHAIN_ID_BYTES), generation, 0, chainKey, new Uint8Array(chainKey), now);
  }

  static restore(snapshot: SendingChainSnapshot): SendingChain {
    const startKey = snapshot.startKey === undefined ? undefined : b64urlDecode(snapshot.startKey);
    return new SendingChain(b64urlDecode(snapshot.chainId), snapshot.generation, snapshot.index, b64urlDecode(snapshot.chainKey), startKey, snapshot.startedAt);
  }

  /** The index the next message will use. */
  get nextIndex(): number {
    return this.index;
  }

  /** True once the chain cannot take another message: the sender must start a new one. */
  get exhausted(): boolean {
    return this.index >= RATCHET_LIMITS.maxChainIndex;
  }

  /** True while `CK_0` is kept for pending members. */
  get keepsStartKey(): boolean {
    return this.startKey !== undefined;
  }

  /**
   * The keys for the next message, and the chain one step on; the chain key they came from is
   * zeroed. The caller zeroes the message keys once the message is sealed.
   */
  async next(): Promise<{ index: number; keys: MessageKeys }> {
    if (this.exhausted) throw new RangeError('SendingChain: chain is exhausted; start a new one');
    const { messageKeys, nextChainKey } = await ratchetStep(this.chainKey);
    this.chainKey.fill(0);
    this.chainKey = nextChainKey;
    this.index += 1;
    return { index: this.index - 1, keys: messageKeys };
  }

  /**
   * What to share with a member now: `CK_0` at index 0 while it is kept, otherwise the current
   * chain key at the next index (so the member reads nothing sent before). A copy: the caller zeroes it.
   */
  shareable(): { index: number; chainKey: Uint8Array<ArrayBuffer> } {
    if (this.startKey !== undefined) return { index: 0, chainKey: new Uint8Array(this.startKey) };
    return { index: this.index, chainKey: new Uint8Array(this.chainKey) };
  }

  /** Deletes `CK_0`: no member is pending any more, or it is older than `maxKeptAgeMs`. */
  dropStartKey(): void {
    this.startKey?.fill(0);
    this.startKey = undefined;
  }

  /** Deletes the start key once it is too old to keep. */
  expire(now: number): void {
    if (now - this.startedAt > RATCHET_LIMITS.maxKeptAgeMs) this.dropStartKey();
  }

  /** Zeroes every key the chain holds. */
  wipe(): void {
    this.chainKey.fill(0);
    this.dropStartKey();
  }

  snapshot(): SendingChainSnapshot {
    const snapshot: SendingChainSnapshot = {
      chainId: b64urlEncode(this.chainId),
      generation: this.generation,
      index: this.index,
      chainKey: b64urlEncode(this.chainKey),
      startedAt: this.startedAt,
    };
    if (this.startKey !== undefined) snapshot.startKey = b64urlEncode(this.startKey);
    return snapshot;
  }
}
