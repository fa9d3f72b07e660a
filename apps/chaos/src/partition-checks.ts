import type { CredentialRequest } from '@userstream/simulator';

/**
 * The partition audits (issue 15 item 8), read from the simulator's own record of listenKey
 * requests (`sim.record.credentialRequests()`), each request attributed to a worker by its TCP
 * peer address (every worker reaches the simulator through its own proxy, bound to its own
 * loopback address). Pure functions, so each can be shown to fail (test/partition-checks.test.ts).
 * listenKeys are printed as `key#N` (their order of first appearance), never raw.
 */

/** A worker's ownership of an account as the fleet said it (`acquired`, `released`, `lost` events). */
export interface OwnershipEvent {
  readonly at: number;
  readonly worker: string;
  readonly account: string;
  readonly type: 'acquired' | 'released' | 'lost';
}

/** Names the workers by the address part of a peer (`127.0.0.12:40112` → `worker-1`). */
export type WorkerOf = (peer: string) => string | undefined;

export function workerByAddress(addresses: ReadonlyMap<string, string>): WorkerOf {
  return (peer) => addresses.get(peer.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'));
}

/** `key#N` per listenKey, numbered by first appearance in the record: stable within a run, never the key. */
export function keyLabels(requests: readonly CredentialRequest[]): (key: string | undefined) => string {
  const labels = new Map<string, string>();
  for (const r of requests) {
    if (r.listenKey !== undefined && !labels.has(r.listenKey))
      labels.set(r.listenKey, `key#${labels.size + 1}`);
  }
  return (key) => (key === undefined ? 'no-key' : (labels.get(key) ?? 'key#?'));
}

/** One record line as printed: `at METHOD status account key#N from worker (peer)`. */
export function describeRequest(
  r: CredentialRequest,
  label: (key: string | undefined) => string,
  workerOf: WorkerOf,
): string {
  const code = r.code === undefined ? '' : `/${r.code}`;
  return `${r.at} ${r.method} ${r.status}${code} ${r.accountId ?? '?'} ${label(r.listenKey)} from ${workerOf(r.peer) ?? 'unknown'} (${r.peer})`;
}

/**
 * At most one keepalive loop per key at any time: two `PUT`s of one key from two different
 * workers less than `windowMs` apart mean two loops renewed it in the same interval. Pass the
 * shortest time a loop waits between its `POST` and first `PUT` (the interval less the
 * scheduler's jitter): a new owner claims only after the old one gave up or lapsed, so an orderly
 * handover keeps the old owner's last `PUT` and the new owner's first at least that far apart.
 */
export function keepaliveOverlaps(
  requests: readonly CredentialRequest[],
  workerOf: WorkerOf,
  windowMs: number,
): string[] {
  const label = keyLabels(requests);
  const byKey = new Map<string, CredentialRequest[]>();
  for (const r of requests) {
    if (r.method !== 'PUT' || r.listenKey === undefined) continue;
    const list = byKey.get(r.listenKey) ?? [];
    if (list.length === 0) byKey.set(r.listenKey, list);
    list.push(r);
  }
  const out: string[] = [];
  for (const puts of byKey.values()) {
    puts.sort((a, b) => a.at - b.at);
    for (let i = 1; i < puts.length; i++) {
      const a = puts[i - 1] as CredentialRequest;
      const b = puts[i] as CredentialRequest;
      const wa = workerOf(a.peer);
      const wb = workerOf(b.peer);
      if (wa !== wb && b.at - a.at < windowMs) {
        out.push(
          `two keepalive loops on ${label(a.listenKey)}: ${wa ?? 'unknown'} and ${wb ?? 'unknown'} renewed it ${b.at - a.at} ms apart (a loop waits ${windowMs} ms or more): [${describeRequest(a, label, workerOf)}] [${describeRequest(b, label, workerOf)}]`,
        );
      }
    }
  }
  return out;
}

/**
 * No `DELETE` from a worker that was not the account's owner then: the sender's latest ownership
 * event for the account before the request must be its `acquired`, with no other worker's
 * `acquired` since (a planned move's new owner acquires while the old one still holds its stream;
 * the old one must then close without a `DELETE`). A `DELETE` from an unknown peer counts too.
 */
export function deletesByNonOwners(
  requests: readonly CredentialRequest[],
  workerOf: WorkerOf,
  history: readonly OwnershipEvent[],
): string[] {
  const label = keyLabels(requests);
  const out: string[] = [];
  for (const r of requests) {
    if (r.method !== 'DELETE') continue;
    const worker = workerOf(r.peer);
    const line = describeRequest(r, label, workerOf);
    if (worker === undefined) {
      out.push(`DELETE from an unknown peer: [${line}]`);
      continue;
    }
    const before = history.filter((h) => h.account === r.accountId && h.at <= r.at);
    const own = before.filter((h) => h.worker === worker);
    const last = own[own.length - 1];
    if (last?.type !== 'acquired') {
      out.push(
        `DELETE from ${worker}, not the owner of ${r.accountId ?? '?'} (${last ? `it had ${last.type} it at ${last.at}` : 'it never acquired it'}): [${line}]`,
      );
      continue;
    }
    const since = before.find((h) => h.type === 'acquired' && h.worker !== worker && h.at >= last.at);
    if (since) {
      out.push(
        `DELETE from ${worker}, no longer the owner of ${r.accountId ?? '?'} (${since.worker} acquired it at ${since.at}): [${line}]`,
      );
    }
  }
  return out;
}
