import { absDecimal, addDecimal, fixed, mulDecimal, signOf, subDecimal } from './decimal-math.js';
import { inputError } from './engine-input.js';
import type { FuturesLedger, Position } from './futures-ledger.js';
import {
  breakEvenPrice,
  FUTURES_LEVERAGE,
  notional,
  orderInitialMargin,
  positionInitialMargin,
  positionMaintMargin,
  unrealizedPnl,
} from './futures-math.js';
import { COINM_INSTRUMENTS, type FuturesInstrument, USDM_INSTRUMENTS } from './markets.js';

/** Which documented position snapshot to answer. */
export type PositionShape = 'fapi-v3' | 'fapi-v2' | 'dapi' | 'papi-um' | 'papi-cm';
export const POSITION_SHAPES: ReadonlySet<string> = new Set([
  'fapi-v3',
  'fapi-v2',
  'dapi',
  'papi-um',
  'papi-cm',
]);

const FLAT: Position = Object.freeze({ pa: '0', ep: '0', cr: '0', updateTime: 0 }) as Position;

function sideNotional(ledger: FuturesLedger, symbol: string, side: 'BUY' | 'SELL'): string {
  let total = '0';
  for (const o of ledger.orders.values()) {
    if (o.symbol === symbol && o.side === side)
      total = addDecimal(total, mulDecimal(subDecimal(o.origQty, o.executedQty), o.price));
  }
  return total;
}

function orderMargin(ledger: FuturesLedger, symbol: string): string {
  let total = '0';
  for (const o of ledger.orders.values())
    if (o.symbol === symbol) total = addDecimal(total, orderInitialMargin(o));
  return total;
}

/**
 * The position snapshot the venue answers, from the same ledger the fills update (so it equals
 * what `ACCOUNT_UPDATE` said):
 * - `fapi-v3`: GET /fapi/v3/positionRisk — only symbols with a position or open orders;
 * - `fapi-v2`: Aster futures' GET /fapi/v2/positionRisk ("Position Information V2",
 *   https://github.com/asterdex/api-docs V1(Legacy)/EN/aster-finance-futures-api.md at 265e024) —
 *   every symbol (one-way mode), with `marginType` and `isAutoAddMargin`, keys in the page's order;
 * - `dapi`: GET /dapi/v1/positionRisk — every symbol;
 * - `papi-um` / `papi-cm`: GET /papi/v1/um/positionRisk, /papi/v1/cm/positionRisk — positions only.
 * `symbol` narrows to one symbol (COIN-M: `pair` too, by prefix).
 */
export function positionRiskBody(
  ledger: FuturesLedger,
  instruments: readonly FuturesInstrument[],
  mark: (symbol: string) => string,
  shape: PositionShape,
  filter: { symbol?: string; pair?: string },
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const inst of instruments) {
    if (filter.symbol !== undefined && inst.symbol !== filter.symbol) continue;
    if (filter.pair !== undefined && inst.pair !== filter.pair) continue;
    const p = ledger.positions.get(inst.symbol) ?? FLAT;
    const flat = signOf(p.pa) === 0;
    const hasOrders = [...ledger.orders.values()].some((o) => o.symbol === inst.symbol);
    if ((shape === 'fapi-v3' && flat && !hasOrders) || (shape.startsWith('papi') && flat)) continue;
    const m = mark(inst.symbol);
    const value = notional(inst, absDecimal(p.pa), m);
    const signed = flat ? '0' : signOf(p.pa) < 0 ? `-${value}` : value;
    const pim = positionInitialMargin(inst, p, m);
    const up = fixed(unrealizedPnl(inst, p, m));
    if (shape === 'fapi-v3') {
      const oim = orderMargin(ledger, inst.symbol);
      out.push({
        symbol: inst.symbol,
        positionSide: 'BOTH',
        positionAmt: p.pa,
        entryPrice: p.ep,
        breakEvenPrice: breakEvenPrice(p),
        markPrice: m,
        unRealizedProfit: up,
        liquidationPrice: '0',
        isolatedMargin: '0',
        notional: signed,
        marginAsset: inst.marginAsset,
        isolatedWallet: '0',
        initialMargin: fixed(addDecimal(pim, oim)),
        maintMargin: fixed(positionMaintMargin(inst, p, m)),
        positionInitialMargin: fixed(pim),
        openOrderInitialMargin: fixed(oim),
        adl: 0,
        bidNotional: sideNotional(ledger, inst.symbol, 'BUY'),
        askNotional: sideNotional(ledger, inst.symbol, 'SELL'),
        updateTime: p.updateTime,
      });
    } else if (shape === 'fapi-v2') {
      out.push({
        entryPrice: p.ep,
        marginType: 'cross',
        isAutoAddMargin: 'false',
        isolatedMargin: '0',
        leverage: String(FUTURES_LEVERAGE),
        liquidationPrice: '0',
        markPrice: m,
        maxNotionalValue: '250000',
        positionAmt: p.pa,
        symbol: inst.symbol,
        unRealizedProfit: up,
        positionSide: 'BOTH',
        updateTime: p.updateTime,
      });
    } else if (shape === 'dapi' || shape === 'papi-cm') {
      out.push({
        symbol: inst.symbol,
        positionAmt: p.pa,
        entryPrice: p.ep,
        breakEvenPrice: breakEvenPrice(p),
        markPrice: m,
        unRealizedProfit: up,
        liquidationPrice: '0',
        leverage: String(FUTURES_LEVERAGE),
        ...(shape === 'dapi'
          ? { maxQty: '250', marginType: 'cross', isolatedMargin: '0', isAutoAddMargin: 'false' }
          : {}),
        positionSide: 'BOTH',
        notionalValue: signed,
        ...(shape === 'dapi' ? { isolatedWallet: '0' } : {}),
        updateTime: p.updateTime,
      });
    } else {
      out.push({
        entryPrice: p.ep,
        leverage: String(FUTURES_LEVERAGE),
        markPrice: m,
        maxNotionalValue: '250000',
        positionAmt: p.pa,
        notional: signed,
        symbol: inst.symbol,
        unRealizedProfit: up,
        liquidationPrice: '0',
        positionSide: 'BOTH',
        updateTime: p.updateTime,
        breakEvenPrice: breakEvenPrice(p),
      });
    }
  }
  return out;
}

/** Checks a positionRisk request (`shape`, `symbol`, COIN-M `pair`) and answers it from `ledger`. */
export function positionRiskOf(
  ledger: FuturesLedger,
  market: 'usdm' | 'coinm',
  shape: string,
  p: Record<string, string>,
  mark: (symbol: string) => string,
): Record<string, unknown>[] {
  if (!POSITION_SHAPES.has(shape))
    throw inputError('shape must be one of fapi-v3, fapi-v2, dapi, papi-um, papi-cm', 'shape');
  const instruments = Object.values(market === 'usdm' ? USDM_INSTRUMENTS : COINM_INSTRUMENTS);
  const filter: { symbol?: string; pair?: string } = {};
  if (p.symbol !== undefined) {
    if (!instruments.some((i) => i.symbol === p.symbol))
      throw inputError('unknown symbol for this venue', 'symbol');
    filter.symbol = p.symbol;
  }
  if (p.pair !== undefined) filter.pair = p.pair;
  return positionRiskBody(ledger, instruments, mark, shape as PositionShape, filter);
}
