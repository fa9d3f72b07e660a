import {
  type FuturesBook,
  isDecimal,
  type NormalizedAccountUpdate,
  normalizeDecimal,
  type PositionSnapshot,
  positionKey,
  positionSnapshotOf,
} from '@userstream/core';

/**
 * The positions part of the mirror's fold (USDⓈ-M, COIN-M, portfolio margin): core's one
 * position shape, folded from `ACCOUNT_UPDATE`'s absolute position values and replaced by the
 * position REST snapshot on every reconciliation. Items are named by book (portfolio margin's
 * UM/CM, kept apart), symbol and position side. Times as in account-fold.ts: `(T, E)` of the
 * event; a snapshot item has the position's `updateTime` and a `seq` older than any event.
 */

/** A position the mirror holds: amounts normalized ("20.000" → "20"). */
export type MirrorPosition = Readonly<PositionSnapshot>;

/** What a reconciliation reads positions from (`@userstream/rest`'s `positionSnapshot()`, or your own). */
export interface MirrorPositionInput {
  /** Portfolio margin: which book (`UM` or `CM`); left out elsewhere. */
  readonly book?: FuturesBook | undefined;
  /** Market symbol, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** Hedge mode side (`LONG`, `SHORT`) or `BOTH` (one-way mode). */
  readonly positionSide?: string | undefined;
  /** Signed position size, a decimal string (`"0"`: flat, not kept). */
  readonly positionAmount: string;
  /** Average entry price, a decimal string. */
  readonly entryPrice?: string | undefined;
  /** Unrealized profit and loss, a decimal string. */
  readonly unrealizedPnl?: string | undefined;
  /** `cross` or `isolated`. */
  readonly marginType?: string | undefined;
  /** Isolated margin wallet, a decimal string. */
  readonly isolatedWallet?: string | undefined;
  /** The venue's time of the last change (ms). */
  readonly updateTime: number;
}

interface PositionEntry {
  position: MirrorPosition;
  time: number;
  seq: number;
}

export interface PositionsState {
  /** positionKey → entry. */
  items: Map<string, PositionEntry>;
  /** Baseline time of positions the snapshot did not list (flat). */
  asOf: number;
}

/** A position change; `removed` when the position became flat. */
export interface PositionChange {
  /** Always `position`. */
  readonly type: 'position';
  /** The position as it is now (its last state when removed). */
  readonly position: MirrorPosition;
  /** True when the position became flat. */
  readonly removed: boolean;
}

const SNAPSHOT_SEQ = Number.NEGATIVE_INFINITY;
const dec = (value: unknown): string => (isDecimal(value) ? normalizeDecimal(value) : '0');
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

export function emptyPositions(asOf = 0): PositionsState {
  return { items: new Map(), asOf };
}

function held(p: MirrorPositionInput): MirrorPosition {
  return {
    book: p.book,
    symbol: String(p.symbol),
    positionSide: p.positionSide || 'BOTH',
    positionAmount: dec(p.positionAmount),
    entryPrice: dec(p.entryPrice),
    unrealizedPnl: dec(p.unrealizedPnl),
    marginType: p.marginType ?? '',
    isolatedWallet: dec(p.isolatedWallet),
    updateTime: num(p.updateTime),
  };
}

/** The positions a snapshot lists. */
export function positionsFromSnapshot(list: readonly MirrorPositionInput[]): PositionsState {
  const state = emptyPositions(Math.max(0, ...list.map((p) => num(p.updateTime))));
  for (const p of list) {
    const position = held(p);
    state.items.set(positionKey(position), { position, time: position.updateTime, seq: SNAPSHOT_SEQ });
  }
  return state;
}

/** Applies the positions of one `ACCOUNT_UPDATE` (absolute values); true when one changed. */
export function applyAccountPositions(
  state: PositionsState,
  n: NormalizedAccountUpdate,
  time: number,
  seq: number,
  sink: ((change: PositionChange) => void) | undefined,
): boolean {
  let changed = false;
  for (const p of n.positions) {
    if (typeof p.symbol !== 'string') continue;
    const position = held(positionSnapshotOf(p, n.book, time));
    const key = positionKey(position);
    const entry = state.items.get(key);
    const fresh = entry
      ? time > entry.time || (time === entry.time && seq >= entry.seq)
      : time > state.asOf || (time === state.asOf && seq > SNAPSHOT_SEQ);
    if (!fresh) continue;
    if (entry) {
      entry.position = position;
      entry.time = time;
      entry.seq = seq;
    } else {
      state.items.set(key, { position, time, seq });
    }
    changed = true;
    sink?.({ type: 'position', position, removed: position.positionAmount === '0' });
  }
  return changed;
}

/** Open positions (amount not zero), sorted by book, symbol and side. */
export function positionsView(state: PositionsState): MirrorPosition[] {
  return [...state.items.keys()]
    .sort()
    .map((k) => (state.items.get(k) as PositionEntry).position)
    .filter((p) => p.positionAmount !== '0');
}

/** One position that differs (by amount or entry price: unrealized PnL moves with the mark price). */
export interface PositionDifference {
  readonly kind: 'position';
  readonly key: string;
  readonly mirror: MirrorPosition | undefined;
  readonly exchange: MirrorPosition | undefined;
}

export function diffPositions(mirror: PositionsState, exchange: PositionsState): PositionDifference[] {
  if (mirror === exchange) return [];
  const m = new Map(positionsView(mirror).map((p) => [positionKey(p), p]));
  const x = new Map(positionsView(exchange).map((p) => [positionKey(p), p]));
  const out: PositionDifference[] = [];
  for (const key of new Set([...m.keys(), ...x.keys()])) {
    const a = m.get(key);
    const b = x.get(key);
    if (a?.positionAmount !== b?.positionAmount || a?.entryPrice !== b?.entryPrice) {
      out.push({ kind: 'position', key, mirror: a, exchange: b });
    }
  }
  return out;
}
