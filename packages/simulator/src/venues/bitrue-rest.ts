/**
 * Bitrue spot's listenKey routes on the simulator (issue #13 item 5), as documented at
 * https://github.com/Bitrue-exchange/Spot-official-api-docs "User Data Streams" (checked
 * 2026-12-03): POST /poseidon/api/v1/listenKey, PUT and DELETE
 * /poseidon/api/v1/listenKey/<listenKey> (the key in the path), the API key in X-MBX-APIKEY, no
 * signature; answers in the envelope `{"msg":"succ","code":200,"data":{…}}` (create) or
 * `{"msg":"succ","code":200}`; an unknown key is -1150 INVALID_LISTEN_KEY (HTTP 400 here: the
 * page gives no status, the simulator's choice). Bitrue's snapshot paths (/api/v1/account,
 * /api/v1/openOrders, /api/v1/order, /api/v1/time) are Aster spot's with the same header: both
 * trade on the spot book, so rest.ts's routes answer them alike.
 */
import { ExchangeCode, ExchangeError, venues } from '@userstream/core';

const lk = venues['bitrue-spot'].listenKey as NonNullable<(typeof venues)['bitrue-spot']['listenKey']>;
const CREATE = lk.create.path;
const KEYED = new RegExp(`^${lk.keepAlive.path.replace('{listenKey}', '([A-Za-z0-9]{1,128})')}$`);

/** The keepalive/close route of a Bitrue key path, and the key it names. */
export function bitrueKeyRoute(
  method: string,
  path: string,
): { action: 'listenKeyKeepAlive' | 'listenKeyClose'; listenKey: string } | undefined {
  const m = KEYED.exec(path);
  if (!m || (method !== 'PUT' && method !== 'DELETE')) return undefined;
  return { action: method === 'PUT' ? 'listenKeyKeepAlive' : 'listenKeyClose', listenKey: m[1] as string };
}

/** True for the requests answered in Bitrue's envelope. */
export function isBitrueKeyPath(path: string): boolean {
  return path === CREATE || KEYED.test(path);
}

/** A listenKey answer in Bitrue's envelope: `data` only when there is something to say. */
export function bitrueAnswer(result: unknown): unknown {
  const empty = typeof result === 'object' && result !== null && Object.keys(result).length === 0;
  return empty ? { msg: 'succ', code: 200 } : { msg: 'succ', code: 200, data: result };
}

/** An unknown key is Bitrue's -1150. */
export function bitrueError(error: unknown): unknown {
  if (!(error instanceof ExchangeError) || error.exchangeCode !== ExchangeCode.ListenKeyNotFound)
    return error;
  return new ExchangeError(-1150, 'This listenKey does not exist.', { status: 400 });
}
