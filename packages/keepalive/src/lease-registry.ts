import type { BaseLease } from './lease.js';
import { type LeaseKey, LeaseKeyMap } from './lease-key.js';
import type { Scheduler } from './scheduler.js';

interface Entry {
  lease: BaseLease;
  refs: number;
  ready: Promise<void>;
  closing: Promise<void> | undefined;
}

/**
 * The leases of one scheduler, shared by account+market: concurrent opens of the same
 * account+market get the same lease (one credential request in flight, one keepalive loop),
 * refcounted; the last release closes it.
 */
export class LeaseRegistry {
  readonly #entries = new LeaseKeyMap<Entry>();

  /** Leases currently held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Every lease currently held (for dashboards). */
  leases(): BaseLease[] {
    return [...this.#entries.values()].map((e) => e.lease);
  }

  /** The lease held for `key`, or undefined (nothing is created). */
  get(key: LeaseKey): BaseLease | undefined {
    return this.#entries.get(key)?.lease;
  }

  /**
   * Returns the lease of `key`, creating and starting it with `create`/`start` if there is none.
   * Every caller shares one start; if it fails, every caller gets the error.
   */
  async acquire<L extends BaseLease>(
    key: LeaseKey,
    create: () => L,
    start: (lease: L) => Promise<void>,
  ): Promise<L> {
    for (;;) {
      const existing = this.#entries.get(key);
      if (existing?.closing) {
        // The last holder is closing it (DELETE in flight): wait, then start a fresh one.
        await existing.closing;
        continue;
      }
      if (existing) {
        existing.refs++;
        await existing.ready;
        return existing.lease as L;
      }
      const lease = create();
      const entry: Entry = { lease, refs: 1, ready: Promise.resolve(), closing: undefined };
      entry.ready = start(lease);
      this.#entries.set(key, entry);
      try {
        await entry.ready;
      } catch (error) {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        throw error;
      }
      return lease;
    }
  }

  /** Drops one reference; the last one closes the lease (and deletes its credential). */
  async release(key: LeaseKey, lease: BaseLease): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry || entry.lease !== lease) {
      await lease.close();
      return;
    }
    entry.refs--;
    if (entry.refs > 0) return;
    if (!entry.closing) {
      entry.closing = lease.close().finally(() => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      });
    }
    await entry.closing;
  }
}

/**
 * Registries by scheduler: `openUserDataStream()` calls that pass the same scheduler share
 * leases. The scheduler itself is a generic timer heap and knows nothing of leases; this side
 * table forgets a registry with its scheduler.
 */
const registries = new WeakMap<Scheduler, LeaseRegistry>();

/** The leases shared by every `openUserDataStream()` call made with `scheduler` (for dashboards and tests). */
export function leaseRegistryOf(scheduler: Scheduler): LeaseRegistry {
  let registry = registries.get(scheduler);
  if (!registry) {
    registry = new LeaseRegistry();
    registries.set(scheduler, registry);
  }
  return registry;
}
