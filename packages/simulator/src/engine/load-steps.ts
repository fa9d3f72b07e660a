/**
 * Matching steps for the load generator: one taker order of the account filling against several
 * makers, the way a busy account sees it. Every event of a step carries the same `E` and `T`
 * (the exchange's millisecond clock: one matching step happens within one millisecond), and every
 * field of the documented payload, including ones clients may not model:
 *
 * - spot (binance/binance-spot-api-docs, user-data-stream.md, "Order Update" and "Account
 *   Update"): an `executionReport` x=TRADE per fill (PARTIALLY_FILLED, then FILLED), then one
 *   `outboundAccountPosition` with the assets the fills changed. The conditional fields of the
 *   "Conditional Fields in Execution Report" table are left out where their condition does not
 *   hold: `W` ("only visible if the order has been placed on the book": a taker never is), `v`
 *   and the other STP fields.
 * - USDⓈ-M futures (developers.binance.com, USDⓈ-M futures, User Data Streams, "Event: Order
 *   Update", "Event: Trade Lite Update", "Event: Balance and Position Update"): per fill a
 *   `TRADE_LITE` and an `ORDER_TRADE_UPDATE` x=TRADE (with `er`, the expiry reason the page lists
 *   and our client does not model), then one `ACCOUNT_UPDATE` reason ORDER. Every fourth
 *   order is a conditional order the Algo service triggers in that step ("Event: Algo Order
 *   Update"): `ALGO_UPDATE` TRIGGERING and TRIGGERED before the fills, FINISHED after them.
 *
 * Texts are built from fixed parts and integers (amounts in integer units of 1e-8, printed as
 * decimal strings), so a generator can produce hundreds of thousands a second.
 */
import type { EngineDialect } from './markets.js';

/** One event of a step: its type and its JSON text. */
export interface StepEvent {
  readonly e: string;
  readonly text: string;
}

/** Prints an integer amount of 1e-8 units as a decimal string with `places` decimals (places <= 8). */
export function units(amount: number, places = 8): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 1e8);
  const frac = String(abs % 1e8)
    .padStart(8, '0')
    .slice(0, places);
  return `${negative ? '-' : ''}${whole}${places > 0 ? `.${frac}` : ''}`;
}

const QTY = 100_000; // 0.001 BTC per fill, in 1e-8 units
const PRICE = 50_000; // whole USDT
const QUOTE = QTY * PRICE; // 50 USDT per fill, in 1e-8 units
const SPOT_FEE = 100; // 0.000001 BTC per fill (0.1 %), in 1e-8 units
const FUTURES_FEE = 2_000_000; // 0.02 USDT per fill, in 1e-8 units

/**
 * Builds the events of matching steps for one dialect; `next(E, fills)` returns the next step's
 * events (ids advance step by step; balances move with every fill).
 */
export class MatchingSteps {
  readonly #dialect: 'spot' | 'futures';
  #orderId = 7_000_000;
  #tradeId = 90_000_000;
  #executionId = 400_000_000;
  /** Running balances, in 1e-8 units. */
  #base = 100_000_000;
  #quote = 1_000_000_000_000;
  #position = 0;

  constructor(dialect: EngineDialect) {
    if (dialect !== 'spot' && dialect !== 'futures') {
      throw new TypeError(`matching steps are built for the spot and futures dialects, not ${dialect}`);
    }
    this.#dialect = dialect;
  }

  /** Events of one step with `fills` fills, all stamped `E` (and `T` = `E`). */
  next(E: number, fills: number): StepEvent[] {
    return this.#dialect === 'spot' ? this.#spot(E, fills) : this.#futures(E, fills);
  }

  #spot(E: number, fills: number): StepEvent[] {
    const out: StepEvent[] = [];
    const i = ++this.#orderId;
    const c = `simTaker${String(i).padStart(14, '0')}`;
    const q = units(QTY * fills);
    for (let j = 0; j < fills; j++) {
      const t = ++this.#tradeId;
      const I = ++this.#executionId;
      const X = j === fills - 1 ? 'FILLED' : 'PARTIALLY_FILLED';
      this.#base += QTY - SPOT_FEE;
      this.#quote -= QUOTE;
      out.push({
        e: 'executionReport',
        text:
          `{"e":"executionReport","E":${E},"s":"BTCUSDT","c":"${c}","S":"BUY","o":"LIMIT","f":"GTC",` +
          `"q":"${q}","p":"${PRICE}.00000000","P":"0.00000000","F":"0.00000000","g":-1,"C":"",` +
          `"x":"TRADE","X":"${X}","r":"NONE","i":${i},"l":"${units(QTY)}","z":"${units(QTY * (j + 1))}",` +
          `"L":"${PRICE}.00000000","n":"${units(SPOT_FEE)}","N":"BTC","T":${E},"t":${t},"I":${I},` +
          `"w":false,"m":false,"M":false,"O":${E},"Z":"${units(QUOTE * (j + 1))}","Y":"${units(QUOTE)}",` +
          `"Q":"0.00000000","V":"EXPIRE_MAKER"}`,
      });
    }
    out.push({
      e: 'outboundAccountPosition',
      text:
        `{"e":"outboundAccountPosition","E":${E},"u":${E},"B":[` +
        `{"a":"BTC","f":"${units(this.#base)}","l":"0.00000000"},` +
        `{"a":"USDT","f":"${units(this.#quote)}","l":"0.00000000"}]}`,
    });
    return out;
  }

  #futures(E: number, fills: number): StepEvent[] {
    const out: StepEvent[] = [];
    const i = ++this.#orderId;
    const c = `simTaker${String(i).padStart(14, '0')}`;
    const q = units(QTY * fills, 3);
    const algo = i % 4 === 0;
    const algoEvent = (X: string, ai: string, aq: string) =>
      `{"e":"ALGO_UPDATE","T":${E},"E":${E},"o":{"caid":"simAlgo${String(i).padStart(15, '0')}",` +
      `"aid":${i + 1_000_000_000},"at":"CONDITIONAL","o":"STOP_MARKET","s":"BTCUSDT","S":"BUY","ps":"BOTH",` +
      `"f":"GTC","q":"${q}","X":"${X}","ai":"${ai}","ap":"${aq === '0' ? '0' : PRICE}","aq":"${aq}",` +
      `"act":"${ai === '' ? '0' : 'MARKET'}","tp":"${PRICE}","p":"0","V":"EXPIRE_MAKER","wt":"CONTRACT_PRICE",` +
      `"pm":"NONE","cp":false,"pP":false,"R":false,"tt":${E},"gtd":0,"rm":""}}`;
    if (algo) {
      out.push({ e: 'ALGO_UPDATE', text: algoEvent('TRIGGERING', '', '0') });
      out.push({ e: 'ALGO_UPDATE', text: algoEvent('TRIGGERED', String(i), '0') });
    }
    const ot = algo ? 'STOP_MARKET' : 'MARKET';
    const sp = algo ? String(PRICE) : '0';
    for (let j = 0; j < fills; j++) {
      const t = ++this.#tradeId;
      const X = j === fills - 1 ? 'FILLED' : 'PARTIALLY_FILLED';
      this.#position += QTY;
      this.#quote -= FUTURES_FEE;
      out.push({
        e: 'TRADE_LITE',
        text:
          `{"e":"TRADE_LITE","E":${E},"T":${E},"s":"BTCUSDT","q":"${q}","p":"0","m":false,` +
          `"c":"${c}","S":"BUY","L":"${PRICE}","l":"${units(QTY, 3)}","t":${t},"i":${i}}`,
      });
      out.push({
        e: 'ORDER_TRADE_UPDATE',
        text:
          `{"e":"ORDER_TRADE_UPDATE","E":${E},"T":${E},"o":{"s":"BTCUSDT","c":"${c}","S":"BUY",` +
          `"o":"MARKET","f":"GTC","q":"${q}","p":"0","ap":"${PRICE}","sp":"${sp}","x":"TRADE","X":"${X}",` +
          `"i":${i},"l":"${units(QTY, 3)}","z":"${units(QTY * (j + 1), 3)}","L":"${PRICE}","N":"USDT",` +
          `"n":"${units(FUTURES_FEE)}","T":${E},"t":${t},"b":"0","a":"0","m":false,"R":false,` +
          `"wt":"CONTRACT_PRICE","ot":"${ot}","ps":"BOTH","cp":false,"rp":"0","pP":false,"si":0,` +
          `"ss":0,"V":"EXPIRE_MAKER","pm":"NONE","gtd":0,"er":"0"}}`,
      });
    }
    const wb = units(this.#quote);
    out.push({
      e: 'ACCOUNT_UPDATE',
      text:
        `{"e":"ACCOUNT_UPDATE","E":${E},"T":${E},"a":{"m":"ORDER","B":[{"a":"USDT","wb":"${wb}",` +
        `"cw":"${wb}","bc":"0"}],"P":[{"s":"BTCUSDT","pa":"${units(this.#position, 3)}",` +
        `"ep":"${PRICE}.00000","bep":"${PRICE}.1","cr":"0","up":"0","mt":"cross","iw":"0","ps":"BOTH"}]}}`,
    });
    if (algo) out.push({ e: 'ALGO_UPDATE', text: algoEvent('FINISHED', String(i), q) });
    return out;
  }
}
