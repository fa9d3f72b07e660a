/**
 * BingX's user data pushes (issue #13 item 3), built from the engine's events. BingX spot trades
 * on the simulator's spot book, BingX swap on the USDⓈ-M book; each stream gets that book's events
 * in BingX's documented shapes, keys in the documented order (checked 2026-12-03):
 * - spot (https://bingx-api.github.io/docs/spot/socket-account.html): `{"data":{…},"dataType":…}`
 *   pushes. `executionReport` with the page's letters e E s S o q p x X i l z L n N T t O Z Y Q,
 *   then the client order id `c` (and `C` on a cancel: the page lists neither, later payloads
 *   carry them). `ACCOUNT_UPDATE` (dataType ACCOUNT_UPDATE; the page shows no sample, fields as
 *   BingX.Net reads them) from the engine's outboundAccountPosition: `T` the account's update
 *   time, `a.B[]` {a, bc, cw, wb, lk} with wb = cw = free + locked (the asset's whole balance), lk
 *   the locked part and bc the change of wb since this account's last push, and `a.m` ORDER, or
 *   DEPOSIT after a deposit (our choice). balanceUpdate and listStatus have no BingX push.
 * - swap (https://bingx-api.github.io/docs/swap/socket.html, BingX's skill page for the swap
 *   account stream): bare events. `ORDER_TRADE_UPDATE` with `o` {s c i S o q p sp ap x X N n T wt
 *   ps rp z l L t m}; `ACCOUNT_UPDATE` with `a` {m, B[] {a wb cw bc}, P[] {s pa ep up mt iw ps}}
 *   and no top-level T (BingX's sample has none); `ACCOUNT_CONFIG_UPDATE` with `ac` {s l S mt}.
 *   USDⓈ-M's other events (TRADE_LITE, MARGIN_CALL, algo and strategy updates) are not sent.
 * Symbols in BingX's form, BTC-USDT (venues/bingx-symbols.ts), where the book says BTCUSDT.
 */
import { addDecimal, subDecimal } from '@userstream/core';
import { bingxSymbol } from './bingx-symbols.js';

type Event = Record<string, unknown>;

/** A BingX push: its JSON text, and for spot the dataType it belongs to. */
export interface BingxPush {
  readonly dataType: 'spot.executionReport' | 'ACCOUNT_UPDATE' | undefined;
  readonly text: string;
}

/** Per account: the last pushed whole balance of each asset (for `bc`), and the last event type. */
export interface BingxAccountState {
  readonly totals: Map<string, string>;
  lastType: string | undefined;
}

export function newBingxAccountState(): BingxAccountState {
  return { totals: new Map(), lastType: undefined };
}

const spot = (dataType: 'spot.executionReport' | 'ACCOUNT_UPDATE', data: Event): BingxPush => ({
  dataType,
  text: JSON.stringify({ data, dataType }),
});

/** The BingX spot push of one spot-book event, or undefined when BingX sends none. */
export function bingxSpotPush(event: Event, state: BingxAccountState): BingxPush | undefined {
  const previous = state.lastType;
  state.lastType = event.e as string;
  if (event.e === 'executionReport') {
    const C = event.C as string | undefined;
    return spot('spot.executionReport', {
      e: event.e,
      E: event.E,
      s: bingxSymbol(event.s),
      S: event.S,
      o: event.o,
      q: event.q,
      p: event.p,
      x: event.x,
      X: event.X,
      i: event.i,
      l: event.l,
      z: event.z,
      L: event.L,
      n: event.n,
      N: event.N,
      T: event.T,
      t: event.t,
      O: event.O,
      Z: event.Z,
      Y: event.Y,
      Q: event.Q,
      c: event.c,
      ...(C !== undefined && C !== '' ? { C } : {}),
    });
  }
  if (event.e !== 'outboundAccountPosition') return undefined;
  const B = ((event.B as { a: string; f: string; l: string }[] | undefined) ?? []).map((b) => {
    const wb = addDecimal(b.f, b.l);
    const bc = subDecimal(wb, state.totals.get(b.a) ?? '0');
    state.totals.set(b.a, wb);
    return { a: b.a, bc, cw: wb, wb, lk: b.l };
  });
  return spot('ACCOUNT_UPDATE', {
    e: 'ACCOUNT_UPDATE',
    E: event.E,
    T: event.u ?? event.E,
    a: { B, m: previous === 'balanceUpdate' ? 'DEPOSIT' : 'ORDER' },
  });
}

/** The BingX swap push of one USDⓈ-M-book event, or undefined when BingX sends none. */
export function bingxSwapPush(event: Event): BingxPush | undefined {
  switch (event.e) {
    case 'ORDER_TRADE_UPDATE': {
      const o = event.o as Event;
      return push({
        e: event.e,
        E: event.E,
        o: {
          s: bingxSymbol(o.s),
          c: o.c,
          i: o.i,
          S: o.S,
          o: o.o,
          q: o.q,
          p: o.p,
          sp: o.sp ?? '0',
          ap: o.ap,
          x: o.x,
          X: o.X,
          N: o.N ?? 'USDT',
          n: o.n ?? '0',
          T: o.T,
          wt: o.wt ?? 'MARK_PRICE',
          ps: o.ps,
          rp: o.rp ?? '0',
          z: o.z,
          l: o.l,
          L: o.L,
          t: o.t,
          m: o.m,
        },
      });
    }
    case 'ACCOUNT_UPDATE': {
      const a = event.a as { m: string; B: Event[]; P?: Event[] };
      return push({
        e: event.e,
        E: event.E,
        a: {
          m: a.m,
          B: a.B.map((b) => ({ a: b.a, wb: b.wb, cw: b.cw, bc: b.bc })),
          P: (a.P ?? []).map((p) => ({
            s: bingxSymbol(p.s),
            pa: p.pa,
            ep: p.ep,
            up: p.up,
            mt: p.mt,
            iw: p.iw,
            ps: p.ps,
          })),
        },
      });
    }
    case 'ACCOUNT_CONFIG_UPDATE': {
      const ac = event.ac as Event | undefined;
      if (!ac) return undefined;
      return push({ e: event.e, E: event.E, ac: { s: bingxSymbol(ac.s), l: ac.l, S: ac.l, mt: 'cross' } });
    }
    default:
      return undefined;
  }
}

const push = (event: Event): BingxPush => ({ dataType: undefined, text: JSON.stringify(event) });
