/**
 * How `AccountMirror` reads a snapshot through a REST client: the account, then its open orders
 * (see AccountMirror's class comment for why the order matters), then positions and algo orders
 * where the venue has them. A portfolio-margin account's /papi/v1/balance rows hold three
 * ledgers, read apart: UM (`umWalletBalance`), CM (`cmWalletBalance`) and the margin account
 * (`crossMarginFree`, `crossMarginLocked`); the CM and margin open orders come from
 * GET /papi/v1/cm/openOrders and GET /papi/v1/margin/openOrders. Fields as the PM balance row prints them
 * (developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Get-Classic-Portfolio-Margin-Balance-Info:
 * the same row as /papi/v1/balance, whose own page is not in our docs store).
 */
import { normalizeRestOrder } from '@userstream/core';
import type { MirrorRestSource } from './account-mirror-types.js';
import type { MirrorSnapshot } from './mirror-shapes.js';

/** GET /papi/v1/margin/openOrders (Query-Current-Margin-Open-Order, weight 5 without a symbol). */
export const PM_MARGIN_OPEN_ORDERS = {
  method: 'GET',
  path: '/papi/v1/margin/openOrders',
  weight: 5,
} as const;
/** GET /papi/v1/cm/openOrders (Query-All-Current-CM-Open-Orders; weight as the UM list's, 40 without a symbol). */
export const PM_CM_OPEN_ORDERS = { method: 'GET', path: '/papi/v1/cm/openOrders', weight: 40 } as const;

type Row = Record<string, unknown>;
type Balances = Record<string, { free: string; locked: string }>;

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '0' : String(v);

/** One ledger of the PM balance rows. */
function ledgerOf(rows: readonly Row[], free: string, locked: string | undefined): Balances {
  const out: Balances = {};
  for (const r of rows) {
    if (typeof r.asset !== 'string') continue;
    out[r.asset] = { free: text(r[free]), locked: locked === undefined ? '0' : text(r[locked]) };
  }
  return out;
}

/** Takes one snapshot through `rest`; `portfolioMargin` reads the three PM ledgers apart. */
export async function restSnapshot(
  rest: MirrorRestSource,
  options: { symbol?: string } | undefined,
  portfolioMargin: boolean,
): Promise<MirrorSnapshot> {
  const account = await rest.accountSnapshot(options);
  const openOrders = await rest.openOrders(options);
  const rows = portfolioMargin && Array.isArray(account.raw) ? (account.raw as Row[]) : undefined;
  let books: MirrorSnapshot['books'];
  let balances: MirrorSnapshot['balances'] = account.balances;
  if (rows) {
    balances = ledgerOf(rows, 'umWalletBalance', undefined);
    // Without a generic request the CM and margin orders stay as their events told them.
    const list = async (endpoint: typeof PM_MARGIN_OPEN_ORDERS | typeof PM_CM_OPEN_ORDERS) => {
      const body = rest.request
        ? await rest.request({ ...endpoint, signed: true, idempotent: true })
        : undefined;
      return Array.isArray(body) ? (body as Row[]).map((o) => normalizeRestOrder(o)) : undefined;
    };
    const cmOrders = await list(PM_CM_OPEN_ORDERS);
    const marginOrders = await list(PM_MARGIN_OPEN_ORDERS);
    books = {
      CM: { balances: ledgerOf(rows, 'cmWalletBalance', undefined), openOrders: cmOrders },
      MARGIN: { balances: ledgerOf(rows, 'crossMarginFree', 'crossMarginLocked'), openOrders: marginOrders },
    };
  }
  // Positions and algo orders where the venue has them (futures); each is its own consistent
  // view, reconciled with its own times (positions-fold.ts, algo-orders-fold.ts).
  const endpoints = rest.venue?.endpoints;
  const positions =
    endpoints?.positions !== undefined && rest.positionSnapshot ? await rest.positionSnapshot() : undefined;
  const algoOrders =
    endpoints?.openAlgoOrders !== undefined && rest.openAlgoOrders ? await rest.openAlgoOrders() : undefined;
  return { updateTime: account.updateTime, balances, openOrders, positions, algoOrders, books };
}
