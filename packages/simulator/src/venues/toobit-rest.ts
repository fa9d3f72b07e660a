/**
 * Toobit spot's REST routes on the simulator (issue #13 item 4; USDT-M's are toobit-usdm-rest.ts): the profile's paths, all signed
 * (`timestamp` mandatory, HMAC `signature`), API key in `X-BB-APIKEY`. rest.ts serves them to
 * requests that carry that header: `/api/v1/account` and `/api/v1/time` are Aster spot's paths
 * too, and the header tells the venues apart (as MEXC's does on Binance's /api/v3 paths).
 * The answers are BHEX's (Toobit spot trades on the BHEX book): `{listenKey}` on create, `{}` on
 * keepalive and close, as the spot page documents.
 */
import { venues } from '@userstream/core';
import { TOOBIT_USDM_ROUTE_SPECS } from './toobit-usdm-rest.js';

const p = venues['toobit-spot'];
const lk = p.listenKey as NonNullable<typeof p.listenKey>;
const e = p.endpoints;
const order = e.order as { path: string; weight: number };

const SPOT_ROUTE_SPECS = [
  {
    method: 'POST',
    path: lk.create.path,
    weight: lk.create.weight,
    auth: 'signed',
    action: 'listenKeyCreate',
  },
  {
    method: 'PUT',
    path: lk.keepAlive.path,
    weight: lk.keepAlive.weight,
    auth: 'signed',
    action: 'listenKeyKeepAlive',
  },
  {
    method: 'DELETE',
    path: lk.close.path,
    weight: lk.close.weight,
    auth: 'signed',
    action: 'listenKeyClose',
  },
  { method: 'GET', path: (e.serverTime as { path: string }).path, weight: 1, auth: 'none', action: 'time' },
  { method: 'GET', path: e.account.path, weight: e.account.weight, auth: 'signed', action: 'account' },
  {
    method: 'GET',
    path: e.openOrders.path,
    weight: e.openOrders.weight,
    auth: 'signed',
    action: 'openOrders',
  },
  { method: 'POST', path: order.path, weight: order.weight, auth: 'signed', action: 'placeOrder' },
  { method: 'DELETE', path: order.path, weight: order.weight, auth: 'signed', action: 'cancelOrder' },
] as const;

/** Toobit's routes, spot's and USDT-M's (toobit-usdm-rest.ts), each naming its venue. */
export const TOOBIT_ROUTE_SPECS = [
  ...SPOT_ROUTE_SPECS.map((r) => ({ ...r, venue: 'toobit-spot' as const })),
  ...TOOBIT_USDM_ROUTE_SPECS,
];
