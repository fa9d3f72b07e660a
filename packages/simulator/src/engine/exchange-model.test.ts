import {
  addDecimal,
  compareDecimal,
  mulDecimal,
  subDecimal,
  type VenueId,
  VirtualClock,
} from '@userstream/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Exchange } from './exchange.js';
import type { ExchangeTarget } from './exchange-options.js';
import { marketOf, PRICE_TICKS, SPOT_INSTRUMENTS, USDM_INSTRUMENTS } from './markets.js';

/**
 * Model-based check of the engine's central promise: after any sequence of deposits, orders,
 * cancels and price moves, folding the emitted events onto the initial balances gives exactly
 * the REST snapshots (`account()`, `openOrders()`); no balance goes negative; free + locked only
 * change by fills, commissions and deposits; and the same seed and operations give the same
 * events.
 */

const VENUES: readonly VenueId[] = [
  'binance-spot',
  'binance-spot-testnet',
  'binance-spot-legacy',
  'binance-margin',
  'binance-margin-legacy',
  'binance-isolated-margin',
  'binance-isolated-margin-legacy',
  'binance-usdm',
  'binance-usdm-testnet',
  'binance-portfolio-margin',
  'binance-coinm',
  'bhex',
  'coins-ph',
];
const ACCOUNTS = ['alice', 'bob'] as const;
const SPOT_SYMBOLS = Object.keys(SPOT_INSTRUMENTS);
const USDM_SYMBOLS = Object.keys(USDM_INSTRUMENTS);
const BASE_PRICES: Record<string, string> = {
  BTCUSDT: '60000',
  ETHUSDT: '3000',
  ETHBTC: '0.05',
  BTCUSD_PERP: '60000',
};
/** Quantity unit per symbol and market family (a multiple of the step size). */
const SPOT_UNIT: Record<string, string> = { BTCUSDT: '0.001', ETHUSDT: '0.01', ETHBTC: '0.01' };
const USDM_UNIT: Record<string, string> = { BTCUSDT: '0.002', ETHUSDT: '0.02' };

type Op =
  | {
      kind: 'place';
      account: number;
      venue: number;
      symbol: number;
      side: 'BUY' | 'SELL';
      type: 'LIMIT' | 'MARKET' | 'IOC';
      units: number;
      offsetBps: number;
      isolatedFlag: boolean;
    }
  | { kind: 'cancel'; account: number; venue: number; pick: number }
  | { kind: 'deposit'; account: number; venue: number; asset: number; cents: number }
  | { kind: 'setPrice'; symbol: number; bps: number; partial: boolean }
  | { kind: 'tick' }
  | { kind: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      account: fc.nat(1),
      venue: fc.nat(VENUES.length - 1),
      symbol: fc.nat(2),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      type: fc.constantFrom('LIMIT' as const, 'LIMIT' as const, 'MARKET' as const, 'IOC' as const),
      units: fc.integer({ min: 1, max: 60 }),
      offsetBps: fc.integer({ min: -150, max: 150 }),
      isolatedFlag: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      account: fc.nat(1),
      venue: fc.nat(VENUES.length - 1),
      pick: fc.nat(20),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      account: fc.nat(1),
      venue: fc.nat(VENUES.length - 1),
      asset: fc.nat(2),
      cents: fc.integer({ min: 1, max: 100_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('setPrice' as const),
      symbol: fc.nat(3),
      bps: fc.integer({ min: -200, max: 200 }),
      partial: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'tick' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
  },
);

/** Price `bps` basis points from `base`, on the symbol's tick grid. */
function priceAt(symbol: string, base: string, bps: number): string {
  const tick = PRICE_TICKS[symbol] as string;
  const raw = mulDecimal(base, addDecimal('1', mulDecimal(String(bps), '0.0001')));
  const ticks = floorTicks(raw, tick);
  return mulDecimal((ticks < 1n ? 1n : ticks).toString(), tick);
}

function floorTicks(value: string, tick: string): bigint {
  const places = Math.max(value.split('.')[1]?.length ?? 0, tick.split('.')[1]?.length ?? 0);
  const scale = (v: string) => {
    const [i, f = ''] = v.split('.');
    return BigInt(`${i}${f.padEnd(places, '0')}`);
  };
  return scale(value) / scale(tick);
}

function paramsFor(
  op: Extract<Op, { kind: 'place' }>,
  venue: VenueId,
  exchange: Exchange,
): Record<string, string> {
  const market = marketOf(venue);
  let symbol: string;
  let unit: string;
  if (market === 'usdm') {
    symbol = USDM_SYMBOLS[op.symbol % USDM_SYMBOLS.length] as string;
    unit = USDM_UNIT[symbol] as string;
  } else if (market === 'coinm') {
    symbol = 'BTCUSD_PERP';
    unit = '1';
  } else {
    symbol = SPOT_SYMBOLS[op.symbol] as string;
    unit = SPOT_UNIT[symbol] as string;
  }
  const quantity = mulDecimal(String(op.units), unit);
  const params: Record<string, string> = { symbol, side: op.side, quantity };
  if (market === 'margin' && op.isolatedFlag) params.isIsolated = 'TRUE';
  if (op.type === 'MARKET') {
    params.type = 'MARKET';
  } else {
    params.type = 'LIMIT';
    params.timeInForce = op.type === 'IOC' ? 'IOC' : 'GTC';
    params.price = priceAt(symbol, exchange.price(symbol), op.offsetBps);
  }
  return params;
}

interface SpotStream {
  kind: 'spot';
  balances: Map<string, { free: string; locked: string }>;
  /** free + locked expected from deposits and fills. */
  totals: Map<string, string>;
  orders: Map<number, { status: string; executed: string }>;
}
interface FuturesStream {
  kind: 'futures';
  wallets: Map<string, string>;
  /** Wallet expected from deposits and each fill's realized profit minus commission. */
  expectedWallets: Map<string, string>;
  /** Position expected from the signed fill quantities. */
  expectedPa: Map<string, string>;
  positions: Map<string, { pa: string; ep: string }>;
  orders: Map<number, { status: string; executed: string }>;
}

const streamKey = (accountId: string, venue: string, symbol?: string) =>
  `${accountId}|${venue}|${symbol ?? ''}`;

/** The reference mirror: initial snapshot + events, nothing else. */
class Mirror {
  readonly streams = new Map<string, SpotStream | FuturesStream>();
  readonly lastE = new Map<string, number>();
  readonly problems: string[] = [];

  constructor(exchange: Exchange) {
    for (const accountId of ACCOUNTS) {
      for (const venue of ['binance-spot', 'binance-margin', 'bhex', 'coins-ph'] as const) {
        const balances = new Map(Object.entries(exchange.balances(accountId, venue)));
        this.streams.set(streamKey(accountId, venue), spotStream(balances));
      }
      const isolated = exchange.balances(accountId, 'binance-isolated-margin');
      for (const pair of SPOT_SYMBOLS) {
        const balances = new Map<string, { free: string; locked: string }>();
        for (const [key, b] of Object.entries(isolated))
          if (key.startsWith(`${pair}:`)) balances.set(key.slice(pair.length + 1), b);
        this.streams.set(streamKey(accountId, 'binance-isolated-margin', pair), spotStream(balances));
      }
      for (const venue of ['binance-usdm', 'binance-coinm'] as const) {
        const wallets = new Map(
          Object.entries(exchange.balances(accountId, venue)).map(([a, b]) => [a, b.free]),
        );
        this.streams.set(streamKey(accountId, venue), {
          kind: 'futures',
          wallets,
          expectedWallets: new Map(wallets),
          expectedPa: new Map(),
          positions: new Map(),
          orders: new Map(),
        });
      }
    }
  }

  deposit(accountId: string, venue: VenueId, asset: string, amount: string): void {
    const market = marketOf(venue);
    if (market === 'usdm' || market === 'coinm') {
      const f = this.streams.get(
        streamKey(accountId, market === 'usdm' ? 'binance-usdm' : 'binance-coinm'),
      ) as FuturesStream;
      f.expectedWallets.set(asset, addDecimal(f.expectedWallets.get(asset) ?? '0', amount));
      return;
    }
    let key: string;
    let coin = asset;
    if (market === 'isolatedMargin') {
      const [pair, a] = asset.split(':') as [string, string];
      key = streamKey(accountId, 'binance-isolated-margin', pair);
      coin = a;
    } else {
      key = streamKey(
        accountId,
        { spot: 'binance-spot', margin: 'binance-margin', bhex: 'bhex', coins: 'coins-ph' }[market],
      );
    }
    const s = this.streams.get(key) as SpotStream;
    s.totals.set(coin, addDecimal(s.totals.get(coin) ?? '0', amount));
  }

  apply(target: ExchangeTarget, event: Record<string, unknown>): void {
    const key = streamKey(target.accountId, target.venue, target.symbol);
    const E = event.E as number;
    const last = this.lastE.get(key);
    // E is a millisecond clock: events of one operation share it; it must never go backwards.
    if (last !== undefined && !(E >= last))
      this.problems.push(`E went backwards on ${key}: ${last} then ${E}`);
    this.lastE.set(key, E);
    const s = this.streams.get(key);
    if (!s) {
      this.problems.push(`event for unknown stream ${key}`);
      return;
    }
    if (s.kind === 'spot') applySpot(s, event);
    else applyFutures(s, event);
  }
}

function spotStream(balances: Map<string, { free: string; locked: string }>): SpotStream {
  const totals = new Map<string, string>();
  for (const [a, b] of balances) totals.set(a, addDecimal(b.free, b.locked));
  return { kind: 'spot', balances, totals, orders: new Map() };
}

function applySpot(s: SpotStream, event: Record<string, unknown>): void {
  switch (event.e) {
    case 'executionReport': {
      const id = event.i as number;
      const status = event.X as string;
      if (status === 'NEW' || status === 'PARTIALLY_FILLED')
        s.orders.set(id, { status, executed: event.z as string });
      else s.orders.delete(id);
      const l = event.l as string;
      if (compareDecimal(l, '0') > 0) {
        const inst = SPOT_INSTRUMENTS[event.s as string] as { baseAsset: string; quoteAsset: string };
        const quote = mulDecimal(l, event.L as string);
        const add = (a: string, d: string) => s.totals.set(a, addDecimal(s.totals.get(a) ?? '0', d));
        if (event.S === 'BUY') {
          add(inst.baseAsset, l);
          add(inst.quoteAsset, subDecimal('0', quote));
        } else {
          add(inst.baseAsset, subDecimal('0', l));
          add(inst.quoteAsset, quote);
        }
        add(event.N as string, subDecimal('0', event.n as string));
      }
      return;
    }
    case 'outboundAccountPosition':
    case 'outboundAccountInfo':
      for (const b of event.B as { a: string; f: string; l: string }[])
        s.balances.set(b.a, { free: b.f, locked: b.l });
      return;
    case 'balanceUpdate': {
      const b = s.balances.get(event.a as string) ?? { free: '0', locked: '0' };
      s.balances.set(event.a as string, { free: addDecimal(b.free, event.d as string), locked: b.locked });
      return;
    }
    default:
      throw new Error(`unexpected spot event ${String(event.e)}`);
  }
}

function applyFutures(s: FuturesStream, event: Record<string, unknown>): void {
  switch (event.e) {
    case 'ORDER_TRADE_UPDATE': {
      const o = event.o as Record<string, unknown>;
      const status = o.X as string;
      if (status === 'NEW' || status === 'PARTIALLY_FILLED')
        s.orders.set(o.i as number, { status, executed: o.z as string });
      else s.orders.delete(o.i as number);
      if (o.x === 'TRADE') {
        const asset = o.N as string;
        s.expectedWallets.set(
          asset,
          addDecimal(s.expectedWallets.get(asset) ?? '0', subDecimal(o.rp as string, o.n as string)),
        );
        const signed = o.S === 'BUY' ? (o.l as string) : subDecimal('0', o.l as string);
        s.expectedPa.set(o.s as string, addDecimal(s.expectedPa.get(o.s as string) ?? '0', signed));
      }
      return;
    }
    case 'ACCOUNT_UPDATE': {
      const a = event.a as { B: { a: string; wb: string }[]; P: { s: string; pa: string; ep: string }[] };
      for (const b of a.B) s.wallets.set(b.a, b.wb);
      for (const p of a.P) s.positions.set(p.s, { pa: p.pa, ep: p.ep });
      return;
    }
    case 'TRADE_LITE':
      return;
    default:
      throw new Error(`unexpected futures event ${String(event.e)}`);
  }
}

const same = (a: string, b: string) => compareDecimal(a, b) === 0;

function sameBalances(
  label: string,
  mirror: Map<string, { free: string; locked: string }>,
  snapshot: { asset: string; free: string; locked: string }[],
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const b of snapshot) {
    seen.add(b.asset);
    const m = mirror.get(b.asset) ?? { free: '0', locked: '0' };
    if (!same(m.free, b.free) || !same(m.locked, b.locked)) {
      problems.push(`${label} ${b.asset}: mirror ${m.free}/${m.locked}, snapshot ${b.free}/${b.locked}`);
    }
    if (compareDecimal(b.free, '0') < 0 || compareDecimal(b.locked, '0') < 0)
      problems.push(`${label} ${b.asset} negative`);
  }
  for (const [asset, m] of mirror) {
    if (!seen.has(asset) && (!same(m.free, '0') || !same(m.locked, '0')))
      problems.push(`${label} ${asset} missing in snapshot`);
  }
  return problems;
}

function sameOrders(
  label: string,
  mirror: Map<number, { status: string; executed: string }>,
  snapshot: { orderId: number; status: string; executedQty: string }[],
): string[] {
  const problems: string[] = [];
  if (snapshot.length !== mirror.size)
    problems.push(`${label}: ${mirror.size} open in mirror, ${snapshot.length} in snapshot`);
  for (const o of snapshot) {
    const m = mirror.get(o.orderId);
    if (!m || m.status !== o.status || !same(m.executed, o.executedQty)) {
      problems.push(
        `${label} order ${o.orderId}: mirror ${JSON.stringify(m)}, snapshot ${o.status}/${o.executedQty}`,
      );
    }
  }
  return problems;
}

/** Every way the mirror and the engine's snapshots could disagree. */
function compare(exchange: Exchange, mirror: Mirror): string[] {
  const problems = [...mirror.problems];
  for (const accountId of ACCOUNTS) {
    for (const venue of ['binance-spot', 'bhex', 'coins-ph'] as const) {
      const s = mirror.streams.get(streamKey(accountId, venue)) as SpotStream;
      const body = exchange.account(accountId, venue, {}) as {
        balances: { asset: string; free: string; locked: string }[];
      };
      problems.push(...sameBalances(`${accountId} ${venue}`, s.balances, body.balances));
      problems.push(
        ...sameOrders(`${accountId} ${venue}`, s.orders, exchange.openOrders(accountId, venue, {}) as never),
      );
      problems.push(...conserved(`${accountId} ${venue}`, s, body.balances));
    }
    const margin = mirror.streams.get(streamKey(accountId, 'binance-margin')) as SpotStream;
    const marginBody = exchange.account(accountId, 'binance-margin', {}) as {
      userAssets: { asset: string; free: string; locked: string }[];
    };
    problems.push(...sameBalances(`${accountId} margin`, margin.balances, marginBody.userAssets));
    problems.push(
      ...sameOrders(
        `${accountId} margin`,
        margin.orders,
        exchange.openOrders(accountId, 'binance-margin', {}) as never,
      ),
    );
    problems.push(...conserved(`${accountId} margin`, margin, marginBody.userAssets));
    const isolatedBody = exchange.account(accountId, 'binance-isolated-margin', {}) as {
      assets: {
        symbol: string;
        baseAsset: { asset: string; free: string; locked: string };
        quoteAsset: { asset: string; free: string; locked: string };
      }[];
    };
    for (const pair of isolatedBody.assets) {
      const s = mirror.streams.get(
        streamKey(accountId, 'binance-isolated-margin', pair.symbol),
      ) as SpotStream;
      const rows = [pair.baseAsset, pair.quoteAsset];
      problems.push(...sameBalances(`${accountId} isolated ${pair.symbol}`, s.balances, rows));
      problems.push(
        ...sameOrders(
          `${accountId} isolated ${pair.symbol}`,
          s.orders,
          exchange.openOrders(accountId, 'binance-margin', {
            isIsolated: 'TRUE',
            symbol: pair.symbol,
          }) as never,
        ),
      );
      problems.push(...conserved(`${accountId} isolated ${pair.symbol}`, s, rows));
    }
    for (const venue of ['binance-usdm', 'binance-coinm'] as const) {
      const s = mirror.streams.get(streamKey(accountId, venue)) as FuturesStream;
      const body = exchange.account(accountId, venue, { version: 'v2' }) as {
        assets: { asset: string; walletBalance: string }[];
        positions: { symbol: string; positionAmt: string; entryPrice: string }[];
      };
      for (const a of body.assets) {
        const m = s.wallets.get(a.asset) ?? '0';
        if (!same(m, a.walletBalance))
          problems.push(`${accountId} ${venue} ${a.asset}: mirror ${m}, snapshot ${a.walletBalance}`);
        if (compareDecimal(a.walletBalance, '0') < 0)
          problems.push(`${accountId} ${venue} ${a.asset} wallet negative`);
        const expected = s.expectedWallets.get(a.asset) ?? '0';
        if (!same(expected, a.walletBalance)) {
          problems.push(
            `${accountId} ${venue} ${a.asset}: wallet ${a.walletBalance}, deposits and fills say ${expected}`,
          );
        }
      }
      for (const p of body.positions) {
        const m = s.positions.get(p.symbol) ?? { pa: '0', ep: '0' };
        if (!same(m.pa, p.positionAmt) || !same(m.ep, p.entryPrice)) {
          problems.push(
            `${accountId} ${venue} ${p.symbol}: mirror ${m.pa}@${m.ep}, snapshot ${p.positionAmt}@${p.entryPrice}`,
          );
        }
        const pa = s.expectedPa.get(p.symbol) ?? '0';
        if (!same(pa, p.positionAmt))
          problems.push(`${accountId} ${venue} ${p.symbol}: position ${p.positionAmt}, fills say ${pa}`);
      }
      problems.push(
        ...sameOrders(`${accountId} ${venue}`, s.orders, exchange.openOrders(accountId, venue, {}) as never),
      );
    }
  }
  return problems;
}

function conserved(
  label: string,
  s: SpotStream,
  rows: { asset: string; free: string; locked: string }[],
): string[] {
  const problems: string[] = [];
  for (const r of rows) {
    const expected = s.totals.get(r.asset) ?? '0';
    if (!same(expected, addDecimal(r.free, r.locked))) {
      problems.push(
        `${label} ${r.asset}: free+locked ${addDecimal(r.free, r.locked)}, deposits and fills say ${expected}`,
      );
    }
  }
  return problems;
}

const DEPOSIT_ASSETS: Record<string, readonly string[]> = {
  spot: ['USDT', 'BTC', 'ETH'],
  usdm: ['USDT', 'USDT', 'USDT'],
  coinm: ['BTC', 'BTC', 'BTC'],
};

async function run(ops: readonly Op[], seed: number, check: boolean) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const emitted: { target: ExchangeTarget; event: Record<string, unknown> }[] = [];
  let mirror: Mirror | undefined;
  const exchange = new Exchange({
    clock,
    seed,
    emit: (target, event) => {
      emitted.push({ target, event: structuredClone(event) });
      mirror?.apply(target, event);
    },
  });
  exchange.addAccount('alice');
  exchange.addAccount('bob', {
    'binance-spot': { USDT: '500', BTC: '0.01' },
    'binance-usdm': { USDT: '2000' },
  });
  mirror = new Mirror(exchange);
  for (const op of ops) {
    const before = emitted.length;
    try {
      switch (op.kind) {
        case 'place': {
          const venue = VENUES[op.venue] as VenueId;
          exchange.placeOrder(ACCOUNTS[op.account] as string, venue, paramsFor(op, venue, exchange));
          break;
        }
        case 'cancel': {
          const venue = VENUES[op.venue] as VenueId;
          const accountId = ACCOUNTS[op.account] as string;
          const open = exchange.orders(accountId, venue);
          const order = open[op.pick % Math.max(open.length, 1)];
          if (!order) break;
          const params: Record<string, string> = {
            symbol: order.symbol as string,
            orderId: String(order.orderId),
          };
          if (order.isIsolated === true) params.isIsolated = 'TRUE';
          exchange.cancelOrder(accountId, venue, params);
          break;
        }
        case 'deposit': {
          const venue = VENUES[op.venue] as VenueId;
          const market = marketOf(venue);
          const family = market === 'usdm' || market === 'coinm' ? market : 'spot';
          let asset = DEPOSIT_ASSETS[family]?.[op.asset] as string;
          if (market === 'isolatedMargin') asset = `${asset === 'ETH' ? 'ETHBTC' : 'BTCUSDT'}:${asset}`;
          const amount = mulDecimal(String(op.cents), '0.01');
          exchange.deposit(ACCOUNTS[op.account] as string, venue, asset, amount);
          mirror.deposit(ACCOUNTS[op.account] as string, venue, asset, amount);
          break;
        }
        case 'setPrice': {
          const symbol = Object.keys(BASE_PRICES)[op.symbol] as string;
          exchange.setPrice(symbol, priceAt(symbol, BASE_PRICES[symbol] as string, op.bps), {
            partial: op.partial,
          });
          break;
        }
        case 'tick':
          exchange.tick();
          break;
        case 'advance':
          await clock.advance(op.ms);
          break;
      }
    } catch (error) {
      // Venue rejections are part of the game; they must change nothing.
      if (!(error as { exchangeCode?: number }).exchangeCode) throw error;
      if (emitted.length !== before) mirror.problems.push(`rejected ${op.kind} emitted events`);
    }
    if (check) {
      const problems = compare(exchange, mirror);
      if (problems.length > 0) return { emitted, problems: [`after ${JSON.stringify(op)}`, ...problems] };
    }
  }
  return { emitted, problems: compare(exchange, mirror) };
}

describe('model-based: events fold into the snapshots', () => {
  test('any sequence of operations: mirror = snapshot, nothing negative, totals conserved, E never decreasing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        async (ops, seed) => {
          const { problems } = await run(ops, seed, true);
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a long busy run stays consistent (many fills, partial fills, walks)', async () => {
    const ops = fc.sample(opArb, { numRuns: 400, seed: 42 });
    const { emitted, problems } = await run(ops, 7, false);
    expect(emitted.length).toBeGreaterThan(200);
    const fills = emitted.filter(
      (r) => r.event.x === 'TRADE' || (r.event.o as { x?: string } | undefined)?.x === 'TRADE',
    );
    expect(fills.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  test('determinism: the same seed and operations give the same events; another seed a different walk', async () => {
    const ops: Op[] = [
      ...fc.sample(opArb, { numRuns: 60, seed: 3 }),
      { kind: 'tick' },
      { kind: 'tick' },
      { kind: 'tick' },
    ];
    const a = await run(ops, 11, false);
    const b = await run(ops, 11, false);
    expect(b.emitted).toEqual(a.emitted);
    const prices = async (seed: number) => {
      const clock = new VirtualClock(0);
      const exchange = new Exchange({ clock, seed, emit: () => {} });
      for (let i = 0; i < 50; i++) exchange.tick();
      return ['BTCUSDT', 'ETHUSDT', 'ETHBTC', 'BTCUSD_PERP'].map((s) => exchange.price(s));
    };
    expect(await prices(11)).toEqual(await prices(11));
    expect(await prices(11)).not.toEqual(await prices(12));
  });
});
