import type { AddressQuota } from '../domain/address-quota';

/**
 * How many ids (room keys, or session ids) each address key holds, for the in-memory
 * repositories' per-address caps. Callers keep it in step with their own maps, synchronously, so
 * a check and the insert that follows it are one step. A count per key, not a set of ids: every
 * member from an address of its own would otherwise keep a Set of one.
 */
export class AddressHoldings {
  private readonly countOf = new Map<string, number>();
  private readonly keyOf = new Map<string, string>();

  /** Whether the quota's key may take one more; always true without a quota. */
  allows(quota: AddressQuota | undefined): boolean {
    return quota === undefined || (this.countOf.get(quota.key) ?? 0) < quota.max;
  }

  /** Counts `id` toward the quota's key (nothing without a quota, nor for an id counted already). */
  add(id: string, quota: AddressQuota | undefined): void {
    if (quota === undefined || this.keyOf.has(id)) return;
    this.countOf.set(quota.key, (this.countOf.get(quota.key) ?? 0) + 1);
    this.keyOf.set(id, quota.key);
  }

  /** Stops counting `id`; a no-op for one that was never counted. */
  remove(id: string): void {
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const left = (this.countOf.get(key) ?? 1) - 1;
    if (left > 0) this.countOf.set(key, left);
    else this.countOf.delete(key);
  }
}
