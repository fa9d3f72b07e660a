import type { LeaseStore } from '@userstream/keepalive';

/**
 * A lease store that a worker fences itself off from on demand: while fenced, renewOwnership
 * answers "lost", so its leases close without releasing the credential or the ownership (what
 * a crashed worker leaves behind), and claim refuses.
 */
export function fenceable(store: LeaseStore): { store: LeaseStore; fence(): void } {
  let fenced = false;
  return {
    fence: () => {
      fenced = true;
    },
    store: {
      get: (k) => store.get(k),
      put: (k, r, o) => store.put(k, r, o),
      delete: (k, o) => store.delete(k, o),
      claim: async (k, owner, ttl) => (fenced ? undefined : store.claim?.(k, owner, ttl)),
      renewOwnership: async (k, o, ttl) => (fenced ? undefined : store.renewOwnership?.(k, o, ttl)),
      release: async (k, o) => {
        if (!fenced) await store.release?.(k, o);
      },
    },
  };
}
