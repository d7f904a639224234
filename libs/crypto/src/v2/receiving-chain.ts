import { b64urlDecode, b64urlEncode } from '../b64url';
import { ratchetStep, wipeMessageKeys, type MessageKeys } from './chain-ratchet';
import { ChainGapError, ReplayError } from './e2e-errors';
import { RATCHET_LIMITS } from './ratchet-limits';

/** A skipped index's keys, kept for a late message until used or too old. */
interface SkippedKey {
  keys: MessageKeys;
  storedAt: number;
}

/** A receiving chain as stored (sealed under the vault): b64url bytes, numbers. */
export interface ReceivingChainSnapshot {
  chainId: string;
  generation: number;
  position: number;
  chainKey: string;
  skipped: { index: number; key: string; iv: string; storedAt: number }[];
}

/** Keys for one index, not yet taken: {@link commit} once the message opened, {@link discard} otherwise. */
export interface PendingKeys {
  keys: MessageKeys;
  commit(): void;
  discard(): void;
}

/**
 * A sender's chain as one receiver follows it (docs/protocol.md §3.1): the chain key at
 * `position` (the next index not yet seen) and the keys of skipped indexes below it.
 * Every message key is used once and deleted; an index below `position` without a kept key is
 * a replay or a reordered copy; an index more than `maxSkip` ahead is refused.
 */
export class ReceivingChain {
  private constructor(
    readonly chainId: Uint8Array<ArrayBuffer>,
    readonly generation: number,
    private positionValue: number,
    private chainKey: Uint8Array<ArrayBuffer>,
    private readonly skipped: Map<number, SkippedKey>,
  ) {}

  /** A chain learnt from a distribution: `chainKey` is `CK_index`, now owned by the chain. */
  static fromShare(share: { chainId: Uint8Array<ArrayBuffer>; generation: number; index: number; chainKey: Uint8Array<ArrayBuffer> }): ReceivingChain {
    return new ReceivingChain(share.chainId, share.generation, share.index, share.chainKey, new Map());
  }

  static restore(snapshot: ReceivingChainSnapshot): ReceivingChain {
    const skipped = new Map(
      snapshot.skipped.map((entry) => [entry.index, { keys: { key: b64urlDecode(entry.key), iv: b64urlDecode(entry.iv) }, storedAt: entry.storedAt }]),
    );
    return new ReceivingChain(b64urlDecode(snapshot.chainId), snapshot.generation, snapshot.position, b64urlDecode(snapshot.chainKey), skipped);
  }

  /** The next index not yet seen. */
  get position(): number {
    return this.positionValue;
  }

  get skippedCount(): number {
    return this.skipped.size;
  }

  /** Indexes whose keys are kept, in order. */
  get skippedIndexes(): number[] {
    return [...this.skipped.keys()].sort((a, b) => a - b);
  }

  /**
   * The keys of `index`, derived (and the skipped ones before it computed) but not yet taken:
   * the chain changes only on `commit()`, so a message that fails to open leaves it as it was.
   *
   * @throws ReplayError when `index` was used or passed and no key is kept for it;
   *   ChainGapError when it is more than `maxSkip` ahead of the position.
   */
  async keysFor(index: number, now: number): Promise<PendingKeys> {
    if (index < this.positionValue) {
      const kept = this.skipped.get(index);
      if (kept === undefined) throw new ReplayError(`index ${index} was already used or has expired`);
      return { keys: kept.keys, commit: () => this.dropSkipped(index), discard: () => undefined };
    }
    if (index - this.positionValue > RATCHET_LIMITS.maxSkip) throw new ChainGapError(`index ${index} is more than ${RATCHET_LIMITS.maxSkip} ahead`);
    const newlySkipped = new Map<number, SkippedKey>();
    let chainKey = new Uint8Array(this.chainKey);
    for (let skippedIndex = this.positionValue; skippedIndex < index; skippedIndex += 1) {
      const { messageKeys, nextChainKey } = await ratchetStep(chainKey);
      newlySkipped.set(skippedIndex, { keys: messageKeys, storedAt: now });
      chainKey.fill(0);
      chainKey = nextChainKey;
    }
    const { messageKeys, nextChainKey } = await ratchetStep(chainKey);
    chainKey.fill(0);
    return {
      keys: messageKeys,
      commit: () => {
        for (const [skippedIndex, kept] of newlySkipped) this.skipped.set(skippedIndex, kept);
        this.chainKey.fill(0);
        this.chainKey = nextChainKey;
        this.positionValue = index + 1;
        wipeMessageKeys(messageKeys);
      },
      discard: () => {
        for (const kept of newlySkipped.values()) wipeMessageKeys(kept.keys);
        nextChainKey.fill(0);
        wipeMessageKeys(messageKeys);
      },
    };
  }

  /**
   * Jumps to a later index of the same chain, from its chain key there (owned by the chain
   * once taken). Keys of the indexes jumped over are not derived: those messages stay unreadable.
   *
   * @returns false, changing nothing, when `index` is not past the position.
   */
  fastForward(index: number, chainKey: Uint8Array<ArrayBuffer>): boolean {
    if (index <= this.positionValue) return false;
    this.chainKey.fill(0);
    this.chainKey = chainKey;
    this.positionValue = index;
    return true;
  }

  /** Deletes skipped keys stored before `now - maxKeptAgeMs`. */
  expire(now: number): void {
    for (const [index, kept] of this.skipped) {
      if (now - kept.storedAt > RATCHET_LIMITS.maxKeptAgeMs) this.dropSkipped(index);
    }
  }

  /** When the oldest skipped key was stored, or undefined when none is kept. */
  oldestSkipped(): { index: number; storedAt: number } | undefined {
    let oldest: { index: number; storedAt: number } | undefined;
    for (const [index, kept] of this.skipped) {
      if (oldest === undefined || kept.storedAt < oldest.storedAt) oldest = { index, storedAt: kept.storedAt };
    }
    return oldest;
  }

  dropSkipped(index: number): void {
    const kept = this.skipped.get(index);
    if (kept === undefined) return;
    wipeMessageKeys(kept.keys);
    this.skipped.delete(index);
  }

  /** Zeroes every key the chain holds. */
  wipe(): void {
    this.chainKey.fill(0);
    for (const index of [...this.skipped.keys()]) this.dropSkipped(index);
  }

  snapshot(): ReceivingChainSnapshot {
    return {
      chainId: b64urlEncode(this.chainId),
      generation: this.generation,
      position: this.positionValue,
      chainKey: b64urlEncode(this.chainKey),
      skipped: [...this.skipped].map(([index, kept]) => ({ index, key: b64urlEncode(kept.keys.key), iv: b64urlEncode(kept.keys.iv), storedAt: kept.storedAt })),
    };
  }
}
