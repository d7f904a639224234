import type { AddressQuota } from '../domain/address-quota';

/**
 * What each address key holds (room keys, or session ids), for the in-memory repositories'
 * per-address caps. Callers keep it in step with their own maps, synchronously, so a check and
 * the insert that follows it are one step.
 */
export class AddressHoldings {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly keyOf = new Map<string, string>();

  /** Whether the quota's key may take one more; always true without a quota. */
  allows(quota: AddressQuota | undefined): boolean {
    return quota === undefined || (this.byKey.get(quota.key)?.size ?? 0) < quota.max;
  }

  /** Counts `id` toward the quota's key (nothing without a quota). */
  add(id: string, quota: AddressQuota | undefined): void {
    if (quota === undefined) return;
    const held = this.byKey.get(quota.key) ?? new Set<string>();
    held.add(id);
    this.byKey.set(quota.key, held);
    this.keyOf.set(id, quota.key);
  }

  /** Stops counting `id`; a no-op for one that was never counted. */
  remove(id: string): void {
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const held = this.byKey.get(key);
    held?.delete(id);
    if (held?.size === 0) this.byKey.delete(key);
  }
}
