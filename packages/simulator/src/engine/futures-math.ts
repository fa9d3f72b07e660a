import { COMMISSION_RATE } from './context.js';
import {
  absDecimal,
  addDecimal,
  compareDecimal,
  divDecimal,
  mulDecimal,
  negDecimal,
  roundDecimal,
  signOf,
  subDecimal,
} from './decimal-math.js';
import type { FuturesLedger, FuturesOrder, Position } from './futures-ledger.js';
import type { FuturesInstrument } from './markets.js';

/** Leverage of every symbol (Binance's default). */
export const FUTURES_LEVERAGE = 20;
/** Initial margin rate, 1 / leverage. */
export const INITIAL_MARGIN_RATE = '0.05';
/** Maintenance margin rate used for the reported maintMargin. */
export const MAINT_MARGIN_RATE = '0.004';

const PLACES = 8;
const FINE = 18;

/** Value of `qty` at `price` in the margin asset: USDT for USDⓈ-M, BTC for COIN-M (rounded to 8 places). */
export function notional(inst: FuturesInstrument, qty: string, price: string): string {
  if (inst.kind === 'linear') return mulDecimal(qty, price);
  return divDecimal(mulDecimal(qty, inst.contractSize), price, PLACES);
}

export function commissionOf(inst: FuturesInstrument, qty: string, price: string): string {
  return roundDecimal(mulDecimal(notional(inst, qty, price), COMMISSION_RATE), PLACES);
}

/** Entry price after adding `qty` at `price` to a position of size `size` (>= 0) entered at `ep`. */
export function entryAfterIncrease(
  inst: FuturesInstrument,
  size: string,
  ep: string,
  qty: string,
  price: string,
): string {
  if (compareDecimal(size, '0') === 0) return price;
  const total = addDecimal(size, qty);
  if (inst.kind === 'linear') {
    return divDecimal(addDecimal(mulDecimal(size, ep), mulDecimal(qty, price)), total, PLACES);
  }
  // Inverse contracts average the reciprocal (harmonic mean).
  const value = addDecimal(divDecimal(size, ep, FINE), divDecimal(qty, price, FINE));
  return divDecimal(total, value, PLACES);
}

/** Profit of closing `qty` of a position with sign `sign` entered at `ep`, at `price`. */
export function realizedPnl(
  inst: FuturesInstrument,
  sign: 1 | -1,
  ep: string,
  price: string,
  qty: string,
): string {
  let pnl: string;
  if (inst.kind === 'linear') {
    pnl = mulDecimal(subDecimal(price, ep), qty);
  } else {
    const perContract = subDecimal(divDecimal('1', ep, FINE), divDecimal('1', price, FINE));
    pnl = mulDecimal(mulDecimal(qty, inst.contractSize), perContract);
  }
  pnl = roundDecimal(pnl, PLACES);
  return sign === 1 ? pnl : negDecimal(pnl);
}

/** Unrealized profit of `position` at `mark`. */
export function unrealizedPnl(inst: FuturesInstrument, position: Position, mark: string): string {
  const s = signOf(position.pa);
  if (s === 0) return '0';
  return realizedPnl(inst, s === 1 ? 1 : -1, position.ep, mark, absDecimal(position.pa));
}

/** Break-even price: the entry price moved by the commission of opening and closing. */
export function breakEvenPrice(position: Position): string {
  const s = signOf(position.pa);
  if (s === 0) return '0';
  const rate = s === 1 ? addDecimal('1', COMMISSION_RATE) : subDecimal('1', COMMISSION_RATE);
  return roundDecimal(mulDecimal(position.ep, rate), PLACES);
}

export function remainingOf(order: FuturesOrder): string {
  return subDecimal(order.origQty, order.executedQty);
}

/** Initial margin an open order reserves. */
export function orderInitialMargin(order: FuturesOrder): string {
  if (order.reduceOnly) return '0';
  return roundDecimal(
    mulDecimal(notional(order.instrument, remainingOf(order), order.price), INITIAL_MARGIN_RATE),
    PLACES,
  );
}

export function positionInitialMargin(inst: FuturesInstrument, position: Position, mark: string): string {
  return roundDecimal(mulDecimal(notional(inst, absDecimal(position.pa), mark), INITIAL_MARGIN_RATE), PLACES);
}

export function positionMaintMargin(inst: FuturesInstrument, position: Position, mark: string): string {
  return roundDecimal(mulDecimal(notional(inst, absDecimal(position.pa), mark), MAINT_MARGIN_RATE), PLACES);
}

export interface MarginSummary {
  wallet: string;
  unrealized: string;
  positionIM: string;
  orderIM: string;
  maint: string;
  available: string;
}

/** Margin figures of `asset` in `ledger` at the current marks. */
export function marginSummary(
  ledger: FuturesLedger,
  asset: string,
  instrumentOf: (symbol: string) => FuturesInstrument | undefined,
  mark: (symbol: string) => string,
): MarginSummary {
  const wallet = ledger.wallet(asset);
  let unrealized = '0';
  let positionIM = '0';
  let maint = '0';
  for (const [symbol, position] of ledger.positions) {
    const inst = instrumentOf(symbol);
    if (!inst || inst.marginAsset !== asset || signOf(position.pa) === 0) continue;
    const m = mark(symbol);
    unrealized = addDecimal(unrealized, unrealizedPnl(inst, position, m));
    positionIM = addDecimal(positionIM, positionInitialMargin(inst, position, m));
    maint = addDecimal(maint, positionMaintMargin(inst, position, m));
  }
  let orderIM = '0';
  for (const order of ledger.orders.values()) {
    if (order.instrument.marginAsset === asset) orderIM = addDecimal(orderIM, orderInitialMargin(order));
  }
  const available = subDecimal(subDecimal(addDecimal(wallet, unrealized), positionIM), orderIM);
  return { wallet, unrealized, positionIM, orderIM, maint, available };
}
