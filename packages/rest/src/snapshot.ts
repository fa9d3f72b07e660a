import {
  type AlgoOrderSnapshot,
  type FuturesBook,
  normalizeRestAlgoOrder,
  normalizeRestOrder,
  normalizeRestPosition,
  type OrderSnapshot,
  type PositionSnapshot,
  ProtocolError,
} from '@userstream/core';

/** Balances of an account, normalized across venues; amounts stay decimal strings. */
export interface AccountSnapshot {
  /** The venue's time of the last change the snapshot reflects (0 when the venue does not say). */
  updateTime: number;
  /**
   * Per asset: spot, BHEX and Coins.ph `free`/`locked`; cross margin `free`/`locked` of
   * `userAssets`; isolated margin base and quote assets of the requested pair; futures and
   * portfolio margin: the wallet balance as `free`, `locked` "0"; options: the margin balance
   * (wallet) as `free`.
   */
  balances: Record<
    string,
    {
      /** Available amount, a decimal string. */
      free: string;
      /** Amount held by open orders, a decimal string ("0" where the venue has none). */
      locked: string;
    }
  >;
  /** The venue's body as received. */
  raw: unknown;
}

/** An open order, normalized across venues: core's one order shape, plus the venue's object. */
export interface OpenOrder extends OrderSnapshot {
  /** The venue's order object as received (for fields the shape does not carry). */
  raw: unknown;
}

type Body = Record<string, unknown>;

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const time = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

function malformed(what: string): ProtocolError {
  return new ProtocolError(`@userstream/rest: unexpected ${what} body: cannot read balances`);
}

/** Reads any supported venue's account body into an {@link AccountSnapshot}. */
export function normalizeAccount(raw: unknown): AccountSnapshot {
  const balances: AccountSnapshot['balances'] = {};
  let updateTime = 0;
  const rows = Array.isArray(raw) ? (raw as Body[]) : undefined;
  const body = (rows ? {} : raw) as Body;
  if (typeof raw !== 'object' || raw === null) throw malformed('account');
  if (rows) {
    // Portfolio margin /papi/v1/balance: one row per asset.
    for (const r of rows) {
      // BingX swap's /openApi/swap/v3/user/balance rows name the wallet balance `balance`.
      balances[str(r.asset)] = {
        free: str(r.totalWalletBalance ?? r.umWalletBalance ?? r.balance),
        locked: '0',
      };
      updateTime = Math.max(updateTime, time(r.updateTime));
    }
  } else if (Array.isArray(body.balances)) {
    for (const b of body.balances as Body[])
      balances[str(b.asset)] = { free: str(b.free), locked: str(b.locked) };
    updateTime = time(body.updateTime);
  } else if (Array.isArray(body.accountAssets)) {
    // Tokocrypto's /open/v1/account/spot (out of its envelope, open-v1.ts): no update time.
    for (const b of body.accountAssets as Body[])
      balances[str(b.asset)] = { free: str(b.free), locked: str(b.locked) };
  } else if (Array.isArray(body.userAssets)) {
    for (const b of body.userAssets as Body[])
      balances[str(b.asset)] = { free: str(b.free), locked: str(b.locked) };
    updateTime = time(body.updateTime);
  } else if (Array.isArray(body.assets)) {
    for (const a of body.assets as Body[]) {
      if (a.baseAsset && a.quoteAsset) {
        for (const side of [a.baseAsset, a.quoteAsset] as Body[]) {
          balances[str(side.asset)] = { free: str(side.free), locked: str(side.locked) };
        }
      } else {
        balances[str(a.asset)] = { free: str(a.walletBalance), locked: '0' };
        updateTime = Math.max(updateTime, time(a.updateTime));
      }
    }
  } else if (Array.isArray(body.asset)) {
    // Options /eapi/v1/marginAccount: the wallet (`marginBalance`, what BALANCE_POSITION_UPDATE's
    // `b` reports) as `free`.
    for (const a of body.asset as Body[])
      balances[str(a.asset)] = { free: str(a.marginBalance), locked: '0' };
    updateTime = time(body.time);
  } else {
    throw malformed('account');
  }
  return { updateTime, balances, raw };
}

/** Reads one venue order object into an {@link OpenOrder} (core's `normalizeRestOrder`, plus `raw`). */
export function normalizeOrder(o: Body): OpenOrder {
  return { ...normalizeRestOrder(o), raw: o };
}

/** Reads an open-orders body (an array of orders). */
export function normalizeOpenOrders(raw: unknown): OpenOrder[] {
  if (!Array.isArray(raw))
    throw new ProtocolError('@userstream/rest: unexpected open orders body: expected an array');
  return (raw as Body[]).map(normalizeOrder);
}

/** A futures position, normalized across venues: core's one position shape, plus the venue's object. */
export interface Position extends PositionSnapshot {
  /** The venue's position object as received. */
  raw: unknown;
}

/** An open conditional (algo) order: core's one algo order shape, plus the venue's object. */
export interface AlgoOrder extends AlgoOrderSnapshot {
  /** The venue's algo order object as received. */
  raw: unknown;
}

/** Reads a position-risk body (an array of positions) of one book. */
export function normalizePositions(raw: unknown, book: FuturesBook | undefined): Position[] {
  if (!Array.isArray(raw))
    throw new ProtocolError('@userstream/rest: unexpected positions body: expected an array');
  return (raw as Body[]).map((p) => ({ ...normalizeRestPosition(p, book), raw: p }));
}

/** Reads an open-algo-orders body (an array of algo orders). */
export function normalizeAlgoOrders(raw: unknown, book: FuturesBook | undefined): AlgoOrder[] {
  if (!Array.isArray(raw))
    throw new ProtocolError('@userstream/rest: unexpected open algo orders body: expected an array');
  return (raw as Body[]).map((o) => ({ ...normalizeRestAlgoOrder(o, book), raw: o }));
}
