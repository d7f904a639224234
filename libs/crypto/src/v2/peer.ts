import { b64urlDecode, b64urlEncode } from '../b64url';
import type { SharedChain } from './chain-share';
import { RATCHET_LIMITS } from './ratchet-limits';
import { ReceivingChain, type ReceivingChainSnapshot } from './receiving-chain';
import { sameBytes } from './same-bytes';

/** What the tab shows for a member (E2E.md): not verified, verified by me, or key changed since first seen. */
export type Verification = 'unverified' | 'verified' | 'key-changed';

/** A peer as stored (sealed under the vault). */
export interface PeerSnapshot {
  name: string;
  signPublic: string;
  agreePublic: string;
  keyChanged: boolean;
  verifiedKey?: string;
  newestGeneration: number;
  current?: ReceivingChainSnapshot;
  previous?: ReceivingChainSnapshot & { retiredAt: number };
}

/**
 * Another member's tab as this tab knows it (docs/protocol.md §3.1): its announced keys, the
 * key this user verified (if any), and the chains it shared: the current one and, for messages
 * still in flight when it rotated, the previous one for at most `maxKeptAgeMs`.
 */
export class Peer {
  private current: ReceivingChain | undefined;
  private previous: { chain: ReceivingChain; retiredAt: number } | undefined;
  /** The highest generation accepted from this key: a distribution must exceed it, so none is replayed. */
  private newestGeneration = -1;
  private verifiedKey: Uint8Array | undefined;

  constructor(
    readonly name: string,
    readonly signPublic: Uint8Array<ArrayBuffer>,
    readonly agreePublic: Uint8Array<ArrayBuffer>,
    /** True when this member's key changed during the room's life, as this tab saw it. */
    readonly keyChanged: boolean,
  ) {}

  static restore(snapshot: PeerSnapshot): Peer {
    const peer = new Peer(snapshot.name, b64urlDecode(snapshot.signPublic), b64urlDecode(snapshot.agreePublic), snapshot.keyChanged);
    peer.newestGeneration = snapshot.newestGeneration;
    if (snapshot.verifiedKey !== undefined) peer.verifiedKey = b64urlDecode(snapshot.verifiedKey);
    if (snapshot.current !== undefined) peer.current = ReceivingChain.restore(snapshot.current);
    if (snapshot.previous !== undefined) peer.previous = { chain: ReceivingChain.restore(snapshot.previous), retiredAt: snapshot.previous.retiredAt };
    return peer;
  }

  /** True when the announced keys are these. */
  holdsKeys(signPublic: Uint8Array, agreePublic: Uint8Array): boolean {
    return sameBytes(this.signPublic, signPublic) && sameBytes(this.agreePublic, agreePublic);
  }

  get verification(): Verification {
    if (this.verifiedKey !== undefined && sameBytes(this.verifiedKey, this.signPublic)) return 'verified';
    return this.keyChanged ? 'key-changed' : 'unverified';
  }

  /** The user compared the safety number for this key and found it equal. */
  markVerified(): void {
    this.verifiedKey = new Uint8Array(this.signPublic);
  }

  /**
   * Takes a chain this peer shared, unless its generation is not above every one accepted
   * before (a replayed or stale distribution): the current chain becomes the previous one.
   * A share of the current chain itself from an index past its position (the answer to this
   * tab's request after a gap) moves that chain forward; it never moves a chain back.
   *
   * @returns false when refused (the caller zeroes the shared key).
   */
  acceptChain(share: SharedChain, now: number): boolean {
    if (this.current !== undefined && share.generation === this.newestGeneration && sameBytes(share.chainId, this.current.chainId)) {
      return this.current.fastForward(share.index, share.chainKey);
    }
    if (share.generation <= this.newestGeneration) return false;
    this.newestGeneration = share.generation;
    this.previous?.chain.wipe();
    this.previous = this.current === undefined ? undefined : { chain: this.current, retiredAt: now };
    this.current = ReceivingChain.fromShare(share);
    return true;
  }

  /** The current or previous chain with this id. */
  chain(chainId: Uint8Array): ReceivingChain | undefined {
    if (this.current !== undefined && sameBytes(this.current.chainId, chainId)) return this.current;
    if (this.previous !== undefined && sameBytes(this.previous.chain.chainId, chainId)) return this.previous.chain;
    return undefined;
  }

  /** The chains this peer holds keys in, current first. */
  get chains(): ReceivingChain[] {
    return [this.current, this.previous?.chain].filter((chain): chain is ReceivingChain => chain !== undefined);
  }

  /** Deletes expired skipped keys, and the previous chain once retired for `maxKeptAgeMs`. */
  expire(now: number): void {
    for (const chain of this.chains) chain.expire(now);
    if (this.previous !== undefined && now - this.previous.retiredAt > RATCHET_LIMITS.maxKeptAgeMs) {
      this.previous.chain.wipe();
      this.previous = undefined;
    }
  }

  /** Zeroes every key held for this peer: it left or its key changed. */
  wipe(): void {
    for (const chain of this.chains) chain.wipe();
    this.current = undefined;
    this.previous = undefined;
  }

  snapshot(): PeerSnapshot {
    const snapshot: PeerSnapshot = {
      name: this.name,
      signPublic: b64urlEncode(this.signPublic),
      agreePublic: b64urlEncode(this.agreePublic),
      keyChanged: this.keyChanged,
      newestGeneration: this.newestGeneration,
    };
    if (this.verifiedKey !== undefined) snapshot.verifiedKey = b64urlEncode(this.verifiedKey);
    if (this.current !== undefined) snapshot.current = this.current.snapshot();
    if (this.previous !== undefined) snapshot.previous = { ...this.previous.chain.snapshot(), retiredAt: this.previous.retiredAt };
    return snapshot;
  }
}
