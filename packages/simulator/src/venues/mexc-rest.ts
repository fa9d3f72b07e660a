/**
 * MEXC spot's REST routes on the simulator (issue #13): the profile's paths, all signed, plus
 * `GET /api/v3/userDataStream` (the account's valid keys). rest.ts serves them to requests that
 * carry `X-MEXC-APIKEY`.
 */
import { venues } from '@userstream/core';

const p = venues.mexc;
const lk = p.listenKey as NonNullable<typeof p.listenKey>;
const e = p.endpoints;
const order = (e.order as { path: string }).path;

export const MEXC_ROUTE_SPECS = [
  {
    method: lk.create.method,
    path: lk.create.path,
    weight: lk.create.weight,
    auth: 'signed',
    action: 'listenKeyCreate',
  },
  { method: 'GET', path: lk.create.path, weight: 1, auth: 'signed', action: 'listenKeyList' },
  {
    method: lk.keepAlive.method,
    path: lk.keepAlive.path,
    weight: 1,
    auth: 'signed',
    action: 'listenKeyKeepAlive',
  },
  { method: lk.close.method, path: lk.close.path, weight: 1, auth: 'signed', action: 'listenKeyClose' },
  { method: 'GET', path: (e.serverTime as { path: string }).path, weight: 1, auth: 'none', action: 'time' },
  { method: 'GET', path: e.account.path, weight: e.account.weight, auth: 'signed', action: 'account' },
  {
    method: 'GET',
    path: e.openOrders.path,
    weight: e.openOrders.weight,
    auth: 'signed',
    action: 'openOrders',
  },
  { method: 'POST', path: order, weight: 1, auth: 'signed', action: 'placeOrder' },
  { method: 'DELETE', path: order, weight: 1, auth: 'signed', action: 'cancelOrder' },
] as const;

/** At most this many valid keys per account (the docs: "a maximum of 60 listen keys"). */
export const MEXC_KEYS_PER_ACCOUNT = 60;
