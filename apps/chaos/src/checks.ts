import { eventIdentity, normalizeDecimal } from '@userstream/core';

/** An event as the simulator recorded sending it (`source`: engine, load, fault or protocol). */
export interface SentEvent {
  readonly e: string;
  readonly E: number;
  readonly source: string;
  readonly event?: Readonly<Record<string, unknown>>;
}

/**
 * Notices about a key or a subscription, not account events: one per credential or connection,
 * so two identical ones (a key and its replacement expired in the same exchange millisecond; the
 * stream keeps no key in the events it delivers) are two notices, not a duplicate (chaos seed 57).
 */
const NOTICES = new Set(['listenKeyExpired', 'eventStreamTerminated', 'serverShutdown']);

/**
 * What one stream delivered, and the stretches of `E` its `gap`s announced: from the `E` of the
 * last event delivered before the gap (inclusive: `E` is not unique) to the first one after it.
 */
export class StreamObserver {
  readonly name: string;
  readonly keys: string[] = [];
  readonly times: number[] = [];
  readonly windows: { from: number; to: number; reason: string }[] = [];
  /** Deliveries and gaps in arrival order, with the real time (for a failing run's post-mortem). */
  readonly timeline: string[] = [];
  gaps = 0;
  /** Indexes (in `times`) of events delivered right after a gap 'out-of-order' announced them as late. */
  readonly announcedLate = new Set<number>();
  #lateNext = false;
  #lastE: number | undefined;

  constructor(name: string) {
    this.name = name;
  }

  event(delivered: Readonly<Record<string, unknown>>): void {
    // An event type the library does not know arrives wrapped ({e: 'unknown', type, E, raw}).
    const event =
      delivered.e === 'unknown' && delivered.raw && typeof delivered.raw === 'object'
        ? (delivered.raw as Readonly<Record<string, unknown>>)
        : delivered;
    const E = Number(event.E);
    this.keys.push(eventIdentity(event));
    this.times.push(E);
    this.timeline.push(`${Date.now()} event ${String(event.e)} E=${E}`);
    if (this.#lateNext) this.announcedLate.add(this.times.length - 1);
    this.#lateNext = false;
    // A notice about the key or the subscription (listenKeyExpired, eventStreamTerminated,
    // serverShutdown) is not an account event: the venue sends it past events it holds back
    // (reorder), so its E bounds no window, as the stream's gap lastEventTime ignores it.
    if (NOTICES.has(String(event.e))) return;
    const open = this.windows[this.windows.length - 1];
    if (open && open.to === Number.POSITIVE_INFINITY) open.to = E;
    this.#lastE = E;
  }

  gap(info: { reason?: string; lastEventTime?: number | undefined }): void {
    this.gaps++;
    this.timeline.push(`${Date.now()} gap ${info.reason ?? ''} lastEventTime=${info.lastEventTime}`);
    // A late event follows: its E cannot be in order, and the stream said so. Nothing was lost.
    if (info.reason === 'out-of-order') {
      this.#lateNext = true;
      return;
    }
    const open = this.windows[this.windows.length - 1];
    if (open && open.to === Number.POSITIVE_INFINITY) return;
    const from = info.lastEventTime ?? this.#lastE ?? Number.NEGATIVE_INFINITY;
    this.windows.push({ from, to: Number.POSITIVE_INFINITY, reason: info.reason ?? 'gap' });
  }

  /** Forgets deliveries before the counted part of the run (the simulator's record is cleared then too). */
  reset(): void {
    this.keys.length = 0;
    this.times.length = 0;
    this.windows.length = 0;
    this.timeline.length = 0;
    this.gaps = 0;
    this.announcedLate.clear();
    this.#lateNext = false;
  }
}

/** At most this many examples per kind of violation, so a report stays readable. */
const EXAMPLES = 5;

function limited(kind: string, items: string[]): string[] {
  if (items.length === 0) return [];
  const more = items.length > EXAMPLES ? ` (+${items.length - EXAMPLES} more)` : '';
  return [`${kind}: ${items.length}${more}: ${items.slice(0, EXAMPLES).join('; ')}`];
}

/**
 * The event guarantees of one stream against what the exchange recorded sending: every sent event
 * arrived or falls in a window a `gap` announced; none arrived twice; `E` never went backwards.
 * With `once: false` only the first (for a union of several consumers' views, see
 * {@link checkFleetDelivery}).
 */
export function checkDelivery(
  observer: StreamObserver,
  sent: readonly SentEvent[],
  options: { once?: boolean } = {},
): { violations: string[]; lost: string[]; lostInGaps: number; matched: number } {
  const violations: string[] = [];
  const delivered = new Map<string, number>();
  const deliveredByTime = new Map<string, number>();
  for (const key of observer.keys) {
    delivered.set(key, (delivered.get(key) ?? 0) + 1);
    const short = key.split('|', 2).join('|');
    deliveredByTime.set(short, (deliveredByTime.get(short) ?? 0) + 1);
  }
  const announced = (E: number) => observer.windows.some((w) => w.from <= E && E <= w.to);
  const lost: string[] = [];
  let lostAnnounced = 0;
  let matched = 0;
  for (const s of sent) {
    if (s.source === 'protocol' || s.source === 'load') continue;
    // Payload-less records (a fault's unknown event) are matched by type and time.
    const key = s.event ? eventIdentity(s.event) : `${s.e}|${s.E}`;
    const pool = s.event ? delivered : deliveredByTime;
    const n = pool.get(key) ?? 0;
    if (n > 0) {
      pool.set(key, n - 1);
      matched++;
      continue;
    }
    if (announced(s.E)) lostAnnounced++;
    else lost.push(`${s.e}@${s.E}`);
  }
  violations.push(...limited(`${observer.name}: events lost without a gap`, lost));
  if (options.once !== false) violations.push(...checkOnce(observer));
  return { violations, lost, lostInGaps: lostAnnounced, matched };
}

/** What one consumer saw: no event twice, `E` never backwards (but where a gap announced a late event). */
export function checkOnce(observer: StreamObserver): string[] {
  const violations: string[] = [];
  const twice: string[] = [];
  const seen = new Map<string, number>();
  for (const key of observer.keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  for (const [key, n] of seen) {
    const [type, E] = key.split('|', 2);
    if (n > 1 && !NOTICES.has(type as string)) twice.push(`${type}@${E} ×${n}`);
  }
  violations.push(...limited(`${observer.name}: events delivered more than once`, twice));
  const backwards: string[] = [];
  for (let i = 1; i < observer.times.length; i++) {
    const a = observer.times[i - 1] as number;
    const b = observer.times[i] as number;
    if (b < a && !observer.announcedLate.has(i)) backwards.push(`E ${b} after ${a} (#${i})`);
  }
  violations.push(...limited(`${observer.name}: E went backwards`, backwards));
  return violations;
}

/**
 * A fleet's in-process surface: each worker's `event`/`gap` for one account. A worker is one
 * consumer (one process, in production): what it emits must hold no duplicate and keep `E` order.
 * Across workers only loss is checked (every sent event was emitted by some worker, or falls in
 * a gap one of them announced): during a planned move both the old and the new owner's streams
 * are open (make-before-break), so both emit the events of the overlap, and the new owner emits
 * what it held back once the move's outcome is known (after the old owner's last). No consumer
 * sees that union: the fleet's exactly-once record is the account's Redis Stream, checked in full
 * with {@link checkDelivery}.
 */
export function checkFleetDelivery(
  union: StreamObserver,
  workers: readonly StreamObserver[],
  sent: readonly SentEvent[],
): { violations: string[]; lost: string[]; lostInGaps: number; matched: number } {
  const result = checkDelivery(union, sent, { once: false });
  for (const w of workers) result.violations.push(...checkOnce(w));
  return result;
}

/** An account as compared at the end of a run: non-zero balances and open orders. */
export interface AccountView {
  balances: Record<string, { free: string; locked: string }>;
  /** `symbol orderId status filled`, sorted. */
  orders: string[];
}

export function balancesView(
  balances: Readonly<Record<string, { readonly free: string; readonly locked: string }>>,
): AccountView['balances'] {
  const out: AccountView['balances'] = {};
  for (const asset of Object.keys(balances).sort()) {
    const b = balances[asset] as { free: string; locked: string };
    const free = normalizeDecimal(String(b.free));
    const locked = normalizeDecimal(String(b.locked));
    if (free !== '0' || locked !== '0') out[asset] = { free, locked };
  }
  return out;
}

export function ordersView(
  orders: readonly {
    symbol: unknown;
    orderId: unknown;
    status: unknown;
    filledQuantity?: unknown;
    executedQty?: unknown;
  }[],
): string[] {
  return orders
    .map((o) =>
      [
        String(o.symbol),
        String(o.orderId),
        String(o.status),
        normalizeDecimal(String(o.filledQuantity ?? o.executedQty ?? '0')),
      ].join(' '),
    )
    .sort();
}

/** Where the mirror and the exchange differ, as short lines (empty when equal). */
export function differences(mirror: AccountView, exchange: AccountView): string[] {
  const out: string[] = [];
  const assets = new Set([...Object.keys(mirror.balances), ...Object.keys(exchange.balances)]);
  for (const a of [...assets].sort()) {
    const m = mirror.balances[a];
    const e = exchange.balances[a];
    if (m?.free !== e?.free || m?.locked !== e?.locked) {
      out.push(
        `balance ${a}: mirror ${m ? `${m.free}/${m.locked}` : '-'} vs exchange ${e ? `${e.free}/${e.locked}` : '-'}`,
      );
    }
  }
  const mo = new Set(mirror.orders);
  const eo = new Set(exchange.orders);
  for (const o of mo) if (!eo.has(o)) out.push(`order only in mirror: ${o}`);
  for (const o of eo) if (!mo.has(o)) out.push(`order only on exchange: ${o}`);
  return out;
}

/**
 * What the exchange sent about the orders a mirror got wrong, and whether each event arrived:
 * `X@E(T) ✓|✗`, plus the gap windows (why the mirror should, or could not, have known).
 */
export function explainOrders(
  diff: readonly string[],
  observer: StreamObserver,
  sent: readonly SentEvent[],
): string {
  const ids = new Set<string>();
  for (const d of diff) {
    const m = /^order only (?:in mirror|on exchange): \S+ (\S+)/.exec(d);
    if (m) ids.add(m[1] as string);
  }
  if (ids.size === 0) return '';
  const delivered = new Set(observer.keys);
  const parts: string[] = [];
  for (const id of [...ids].slice(0, 3)) {
    const history = sent
      .filter(
        (s) => s.event && String(s.event.i ?? (s.event.o as Record<string, unknown> | undefined)?.i) === id,
      )
      .map((s) => {
        const ev = s.event as Record<string, unknown>;
        const o = (ev.o as Record<string, unknown> | undefined) ?? ev;
        return `${String(o.X)}@${s.E}(T${String(o.T ?? ev.T)})${delivered.has(eventIdentity(ev)) ? '✓' : '✗'}`;
      });
    parts.push(`order ${id}: ${history.join(' ') || 'no event sent in the counted part of the run'}`);
  }
  const windows = observer.windows.map((w) => `[${w.from}..${w.to} ${w.reason}]`).join(' ');
  return ` (${parts.join('; ')}; gaps ${windows || 'none'})`;
}
