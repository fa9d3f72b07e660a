/**
 * BingX's REST answers (issue #13 item 3). rest.ts serves BingX's paths like every other venue's
 * (the profiles' listenKey, time, account, open-orders and order paths); this module rewrites the
 * answer into BingX's form on its way out (checked 2026-12-03):
 * - listenKey (https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html): POST answers
 *   `{"listenKey":…}`; PUT and DELETE answer HTTP 200 with no body, 204 without parameters and
 *   404 for an unknown key (no body: the page documents statuses only).
 * - everything else: HTTP 200 and `{"code":0,"msg":"","data":…}`; a refusal is HTTP 200 with a
 *   non-zero code (BingX's codes: 100001 signature, 100413 API key, 100421 timestamp, 100400 bad
 *   argument; https://bingx-api.github.io/docs/zh-hk/spot/socket.html lists the 100xxx family).
 *   Rate limits (429/418) and server errors (5xx) keep their status.
 * - data: server time `{serverTime}`; spot balances `{balances:[{asset,free,locked}]}` (no update
 *   time); swap balances (/openApi/swap/v3/user/balance) an array of `{asset, balance, equity,
 *   availableMargin, …}` (balance: the wallet balance); open orders `{orders:[…]}` with the
 *   engine's (Binance's) order fields; swap positions (/openApi/swap/v2/user/positions, named by
 *   https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account) an array of the open positions
 *   with the fields of JKorf/BingX.Net's BingXPosition model (BingX's own field list is not in the
 *   search store): positionId, symbol, currency, positionAmt, availableAmt, positionSide, isolated,
 *   avgPrice, initialMargin, leverage, unrealizedProfit, realisedProfit, liquidationPrice. The
 *   engine's book is one-way: positionSide BOTH, positionAmt signed as its ACCOUNT_UPDATE's `pa`.
 */
import type { ServerResponse } from 'node:http';
import { isZeroDecimal, venues } from '@userstream/core';
import { FUTURES_LEVERAGE } from '../engine/index.js';

type Kind = 'listenKey' | 'time' | 'spotAccount' | 'swapAccount' | 'orders' | 'positions' | 'other';

const KINDS = new Map<string, Kind>();
for (const id of ['bingx-spot', 'bingx-swap'] as const) {
  const p = venues[id];
  KINDS.set((p.listenKey as NonNullable<typeof p.listenKey>).create.path, 'listenKey');
  KINDS.set((p.endpoints.serverTime as { path: string }).path, 'time');
  KINDS.set(p.endpoints.account.path, id === 'bingx-spot' ? 'spotAccount' : 'swapAccount');
  KINDS.set(p.endpoints.openOrders.path, 'orders');
  KINDS.set((p.endpoints.order as { path: string }).path, 'other');
}
KINDS.set((venues['bingx-swap'].endpoints.positions as { path: string }).path, 'positions');

/** A position's id: BingX sends a digit string; the simulator's is fixed per symbol and side (FNV-1a). */
function positionId(symbol: string, side: string): string {
  let h = 0x811c9dc5;
  for (const ch of `${symbol} ${side}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return String(h);
}

/** Binance-style codes the simulator refuses with, in BingX's numbers. */
const CODES: Readonly<Record<number, [number, string]>> = {
  [-1021]: [100421, 'Null timestamp or timestamp mismatch'],
  [-1022]: [100001, 'Signature verification failed'],
  [-2014]: [100413, 'Incorrect apiKey'],
  [-2015]: [100413, 'Incorrect apiKey'],
};

type Body = Record<string, unknown>;

function dataOf(kind: Kind, body: unknown): unknown {
  const b = body as Body;
  switch (kind) {
    case 'spotAccount':
      return { balances: b.balances };
    case 'swapAccount':
      return ((b.assets as Body[] | undefined) ?? []).map((a) => ({
        asset: a.asset,
        balance: a.walletBalance,
        equity: a.marginBalance ?? a.walletBalance,
        unrealizedProfit: a.unrealizedProfit ?? '0',
        availableMargin: a.availableBalance ?? a.walletBalance,
      }));
    case 'orders':
      return { orders: body };
    case 'positions':
      // "Current open positions": the engine's /fapi/v3 body lists a flat symbol with open orders too.
      return (body as Body[])
        .filter((q) => !isZeroDecimal(String(q.positionAmt)))
        .map((q) => ({
          positionId: positionId(String(q.symbol), String(q.positionSide)),
          symbol: q.symbol,
          currency: q.marginAsset ?? 'USDT',
          positionAmt: q.positionAmt,
          availableAmt: q.positionAmt,
          positionSide: q.positionSide,
          isolated: false,
          avgPrice: q.entryPrice,
          initialMargin: q.positionInitialMargin ?? '0',
          leverage: FUTURES_LEVERAGE,
          unrealizedProfit: q.unRealizedProfit,
          realisedProfit: '0',
          liquidationPrice: q.liquidationPrice ?? '0',
        }));
    default:
      return body;
  }
}

/** BingX's status and body for what rest.ts answered (`text`: its JSON). */
export function bingxAnswer(kind: Kind, status: number, text: string): { status: number; body: string } {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    return { status, body: text };
  }
  if (status === 429 || status === 418 || status >= 500) return { status, body: text };
  const code = (body as { code?: unknown }).code;
  const failed = status >= 400 && typeof code === 'number';
  if (kind === 'listenKey') {
    if (!failed) return { status: 200, body: (body as Body).listenKey === undefined ? '' : text };
    if (code === -1125) return { status: 404, body: '' };
    if (code === -1102) return { status: 204, body: '' };
  }
  if (failed) {
    const [bingxCode, msg] = CODES[code as number] ?? [100400, String((body as Body).msg ?? '')];
    return { status: 200, body: JSON.stringify({ code: bingxCode, msg }) };
  }
  return { status: 200, body: JSON.stringify({ code: 0, msg: '', data: dataOf(kind, body) }) };
}

/**
 * `res` for a request on `path`: BingX's paths get their answer rewritten on the way out, every
 * other path is untouched.
 */
export function bingxResponse(res: ServerResponse, path: string): ServerResponse {
  const kind = KINDS.get(path);
  if (kind === undefined) return res;
  const writeHead = res.writeHead.bind(res);
  const end = res.end.bind(res);
  let status = 200;
  res.writeHead = ((code: number) => {
    status = code;
    return res;
  }) as typeof res.writeHead;
  res.end = ((chunk?: unknown) => {
    const out = bingxAnswer(kind, status, typeof chunk === 'string' ? chunk : chunk ? String(chunk) : '');
    writeHead(out.status, { 'Content-Type': 'application/json;charset=UTF-8' });
    return end(out.body);
  }) as typeof res.end;
  return res;
}
