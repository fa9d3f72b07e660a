import { type Endpoint, ExchangeCode, type VenueProfile } from '@userstream/core';
import type { FoldChange, MirrorOrder } from '@userstream/keepalive';
import { exchangeCodeOf } from './exchange-code.js';
import { decimalsOf, ladderLevels, stepsBetween } from './grid.js';

/** A ladder of limit orders around the price of one symbol. */
export interface LadderSpec {
  symbol: string;
  /** Order size, a decimal string. */
  quantity: string;
  /** Distance between levels, a decimal string on the symbol's tick. */
  step: string;
  /** Price tick of the symbol (sets the decimals of prices). */
  tick: string;
  /** Orders per side. */
  levels: number;
}

/** What the ladder needs of `@userstream/rest`'s client: a signed request. */
export interface OrderClient {
  request<T = unknown>(req: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    path: string;
    params?: Record<string, string>;
    signed?: boolean;
    weight?: number;
  }): Promise<T>;
}

export interface LadderOptions {
  /** Short name of the stream (spot, margin, usdm, bhex), part of client order ids. */
  name: string;
  venue: VenueProfile;
  spec: LadderSpec;
  client: OrderClient;
  /**
   * Where orders go when the venue's profile names no Binance-style order endpoint (the embedded
   * exchange's engine under `--simulate`). @default venue.endpoints.order
   */
  order?: Endpoint;
  /** The current price of `spec.symbol`. */
  price: () => Promise<string> | string;
  /** The mirror's open orders (the source of truth for what rests). */
  openOrders: () => readonly MirrorOrder[];
  /** Real-time ms (placements not yet seen in the mirror count for this long). */
  now: () => number;
  /** Told about fills, placements that failed, and so on. */
  note: (text: string, level: 'info' | 'warn') => void;
  /** Prefix of the client order ids this run uses. */
  runId: string;
}

interface Pending {
  side: 'BUY' | 'SELL';
  price: string;
  at: number;
}

const PENDING_MS = 3_000;

/** What a cancel needs of an order. */
type CancelTarget = Pick<MirrorOrder, 'symbol' | 'orderId' | 'side' | 'price'>;

/**
 * A small market maker: keeps `levels` buys below and `levels` sells above the price, on a grid
 * of `step`, replaces orders as they fill, and cancels orders the price left far behind. It reads
 * what rests from the AccountMirror (the stream's view of the account), places and cancels over
 * signed REST, and tags its orders with its own client order ids so it cancels only its own.
 */
export class Ladder {
  placed = 0;
  filled = 0;
  canceled = 0;
  failures = 0;
  readonly #o: LadderOptions;
  readonly #decimals: number;
  readonly #pending = new Map<string, Pending>();
  /**
   * Orders placed (the exchange said so) that the mirror has not shown yet, by client order id:
   * the stream may run behind REST, and shutdown must cancel these too.
   */
  readonly #unseen = new Map<string, CancelTarget>();
  #seq = 0;
  #busy = false;
  #stopped = false;

  constructor(options: LadderOptions) {
    this.#o = options;
    this.#decimals = decimalsOf(options.spec.tick);
  }

  get prefix(): string {
    return `${this.#o.runId}${this.#o.name}`;
  }

  /** Is this one of ours (by client order id)? */
  owns(order: Pick<MirrorOrder, 'clientOrderId'>): boolean {
    return order.clientOrderId.startsWith(this.prefix);
  }

  /** Feed it the mirror's changes: fills are counted and noted. */
  onChange(change: FoldChange): void {
    if (change.type !== 'order' || !this.owns(change.order)) return;
    const o = change.order;
    this.#pending.delete(o.clientOrderId);
    this.#unseen.delete(o.clientOrderId);
    if (change.removed && o.status === 'FILLED') {
      this.filled++;
      // The line already names the stream: the text does not repeat it.
      this.#o.note(`${o.side} ${o.quantity} ${o.symbol} @ ${o.price} filled`, 'info');
    }
  }

  /** One pass: place what is missing, cancel what is too far. Never runs twice at once. */
  async step(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      await this.#step();
    } finally {
      this.#busy = false;
    }
  }

  async #step(): Promise<void> {
    const { spec } = this.#o;
    const price = await this.#o.price();
    const { buys, sells } = ladderLevels(price, spec.step, spec.levels, this.#decimals);
    const now = this.#o.now();
    for (const [id, p] of this.#pending) if (now - p.at > PENDING_MS) this.#pending.delete(id);
    const mine = this.#o.openOrders().filter((o) => o.symbol === spec.symbol && this.owns(o));
    const occupied = new Set<string>();
    for (const o of mine) occupied.add(`${o.side}:${normalize(o.price, this.#decimals)}`);
    for (const p of this.#pending.values()) occupied.add(`${p.side}:${p.price}`);

    // Cancel orders more than `levels` steps outside the ladder.
    for (const o of mine) {
      const far =
        o.side === 'BUY'
          ? stepsBetween(buys[0] ?? price, o.price, spec.step, this.#decimals) > spec.levels
          : stepsBetween(o.price, sells[0] ?? price, spec.step, this.#decimals) > spec.levels;
      if (far && !this.#stopped) await this.#cancel(o, 'left behind by the price');
    }
    for (const [side, levels] of [
      ['BUY', buys],
      ['SELL', sells],
    ] as const) {
      for (const level of levels) {
        if (this.#stopped) return;
        if (occupied.has(`${side}:${level}`)) continue;
        await this.#place(side, level);
      }
    }
  }

  async #place(side: 'BUY' | 'SELL', price: string): Promise<void> {
    const { venue, spec, client } = this.#o;
    const order = this.#o.order ?? venue.endpoints.order;
    if (!order) return;
    const clientOrderId = `${this.prefix}${++this.#seq}`;
    this.#pending.set(clientOrderId, { side, price, at: this.#o.now() });
    try {
      const placed = await client.request<{ orderId?: unknown }>({
        method: 'POST',
        path: order.path,
        signed: true,
        weight: order.weight,
        params: {
          symbol: spec.symbol,
          side,
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: spec.quantity,
          price,
          newClientOrderId: clientOrderId,
        },
      });
      this.placed++;
      if (placed?.orderId !== undefined) {
        this.#unseen.set(clientOrderId, {
          symbol: spec.symbol,
          orderId: String(placed.orderId),
          side,
          price,
        });
      }
    } catch (error) {
      this.#pending.delete(clientOrderId);
      this.failures++;
      this.#o.note(`${side} @ ${price} not placed (${describe(error)})`, 'warn');
    }
  }

  async #cancel(o: CancelTarget, why: string): Promise<boolean> {
    const { venue, client } = this.#o;
    const order = this.#o.order ?? venue.endpoints.order;
    if (!order) return false;
    try {
      await client.request({
        method: 'DELETE',
        path: order.path,
        signed: true,
        weight: order.weight,
        params: { symbol: o.symbol, orderId: o.orderId },
      });
      this.canceled++;
      return true;
    } catch (error) {
      // Filled or canceled in the meantime (the mirror was behind); it will say so.
      if (exchangeCodeOf(error) === ExchangeCode.CancelRejected) return false;
      this.#o.note(`cancel of ${o.side} @ ${o.price} (${why}) failed: ${describe(error)}`, 'warn');
      return false;
    }
  }

  /** Stops placing and cancels every open order of ours. Returns how many were canceled. */
  async cancelAll(): Promise<number> {
    this.#stopped = true;
    while (this.#busy) await new Promise((resolve) => setTimeout(resolve, 10));
    let n = 0;
    for (const o of this.#o.openOrders()) {
      this.#unseen.delete(o.clientOrderId);
      if (this.owns(o) && (await this.#cancel(o, 'shutdown'))) n++;
    }
    // Placed but not yet on the stream: a fill in the meantime makes the cancel a -2011, not counted.
    for (const o of [...this.#unseen.values()]) if (await this.#cancel(o, 'shutdown')) n++;
    this.#unseen.clear();
    return n;
  }

  /** Stops placing orders (the open ones stay). */
  stop(): void {
    this.#stopped = true;
  }
}

function normalize(price: string, decimals: number): string {
  // Venues echo prices with trailing zeros ("59985.00000000"): compare on the grid's form.
  const [int = '0', frac = ''] = price.split('.');
  const f = frac.slice(0, decimals).replace(/0+$/, '');
  return `${int.replace(/^0+(?=\d)/, '')}${f ? `.${f}` : ''}`;
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; exchangeCode?: unknown; message?: unknown };
  const code = e?.exchangeCode ?? e?.code;
  const message = String(e?.message ?? error)
    .split('\n')[0]
    ?.slice(0, 120);
  return code === undefined ? String(message) : `${String(code)}: ${message}`;
}

/** Compares two non-negative decimal strings exactly (prices stay strings: no float rounding). */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+(?=\d)/, '');
  const bInt = bi.replace(/^0+(?=\d)/, '');
  if (aInt.length !== bInt.length) return aInt.length - bInt.length;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const len = Math.max(af.length, bf.length);
  const x = af.padEnd(len, '0');
  const y = bf.padEnd(len, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * Resting prices as a trader reads a book: bids from the best (highest) down, asks from the best
 * (lowest) up.
 */
export function bookSides(orders: readonly Pick<MirrorOrder, 'side' | 'price'>[]): {
  bids: string[];
  asks: string[];
} {
  const bids = orders.filter((o) => o.side === 'BUY').map((o) => o.price);
  const asks = orders.filter((o) => o.side === 'SELL').map((o) => o.price);
  return { bids: bids.sort((a, b) => compareDecimal(b, a)), asks: asks.sort(compareDecimal) };
}
