/**
 * A deliberately small raw listenKey stream for the mirror tests: `ws` + core's `parseFrame`,
 * `gap` on every reconnect. It lets `AccountMirror` be tested against the real simulator
 * without depending on `@userstream/stream` (a sibling package).
 */
import { EventEmitter } from 'node:events';
import { normalizeDecimal, parseFrame, type VenueProfile } from '@userstream/core';
import { type Simulator, venueRestBodies } from '@userstream/simulator';
import WebSocket from 'ws';
import type { MirrorSnapshot } from '../src/index.js';

export class PlainStream extends EventEmitter {
  #ws: WebSocket | undefined;
  #closed = false;
  opens = 0;

  constructor(
    readonly venue: VenueProfile,
    public listenKey: string,
  ) {
    super();
    this.#connect();
  }

  #connect(): void {
    const path = this.venue.listenKey!.streamPath.replace('{listenKey}', this.listenKey);
    const ws = new WebSocket(`${this.venue.streamBaseUrl}${path}`);
    this.#ws = ws;
    ws.on('open', () => {
      this.opens++;
      this.emit(this.opens === 1 ? 'open' : 'reconnected');
    });
    ws.on('message', (data) => {
      const parsed = parseFrame(data.toString(), this.venue.dialect);
      if (!parsed.ok) return;
      for (const event of parsed.events) this.emit('event', event);
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.#closed) return;
      this.emit('gap', { reason: 'reconnect' });
      setTimeout(() => {
        if (!this.#closed) this.#connect();
      }, 5);
    });
  }

  /** `open` or `reconnecting`, like a `@userstream/stream` stream. */
  get state(): string {
    return this.#ws?.readyState === WebSocket.OPEN ? 'open' : this.#closed ? 'closed' : 'reconnecting';
  }

  /** Resolves once the socket is open. */
  async opened(): Promise<void> {
    if (this.#ws?.readyState === WebSocket.OPEN) return;
    await new Promise<void>((resolve) => this.once(this.opens === 0 ? 'open' : 'reconnected', resolve));
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
  }
}

type Body = Record<string, unknown>;

/**
 * A snapshot straight from the simulator's REST bodies (what `GET /api/v3/account` and
 * `GET /api/v3/openOrders` return), normalized the way the mirror expects.
 */
export function engineSnapshot(sim: Simulator, accountId: string, venue: string): MirrorSnapshot {
  const id = venue as Parameters<Simulator['exchange']['account']>[1];
  const account = sim.exchange.account(accountId, id, {}) as Body;
  const orders = sim.exchange.openOrders(accountId, id, {}) as Body[];
  return { ...accountPart(account), openOrders: orders.map(orderOf) };
}

export function accountPart(account: Body): Pick<MirrorSnapshot, 'updateTime' | 'balances'> {
  const balances: Record<string, { free: string; locked: string }> = {};
  if (Array.isArray(account.balances)) {
    for (const b of account.balances as Body[])
      balances[String(b.asset)] = { free: String(b.free), locked: String(b.locked) };
    return { updateTime: Number(account.updateTime ?? 0), balances };
  }
  // Futures (/fapi/v3/account): assets with walletBalance and their own updateTime.
  let updateTime = 0;
  for (const a of (account.assets as Body[] | undefined) ?? []) {
    balances[String(a.asset)] = { free: String(a.walletBalance), locked: '0' };
    updateTime = Math.max(updateTime, Number(a.updateTime ?? 0));
  }
  return { updateTime, balances };
}

export function orderOf(o: Body): MirrorSnapshot['openOrders'][number] {
  return {
    symbol: String(o.symbol),
    orderId: String(o.orderId),
    clientOrderId: String(o.clientOrderId ?? ''),
    side: String(o.side),
    type: String(o.type),
    status: String(o.status),
    price: String(o.price),
    quantity: String(o.origQty),
    filledQuantity: String(o.executedQty),
    updateTime: Number(o.updateTime ?? o.time ?? 0),
  };
}

/** The simulator's own balances, normalized and without zero rows, to compare with `mirror.balances`. */
export function engineBalances(
  sim: Simulator,
  accountId: string,
  venue: string,
): Record<string, { free: string; locked: string }> {
  const raw = sim.exchange.balances(accountId, venue as Parameters<Simulator['exchange']['balances']>[1]);
  const out: Record<string, { free: string; locked: string }> = {};
  for (const [asset, b] of Object.entries(raw)) {
    const free = normalizeDecimal(b.free);
    const locked = normalizeDecimal(b.locked);
    if (free !== '0' || locked !== '0') out[asset] = { free, locked };
  }
  return out;
}

/** The simulator's open orders as `[symbol, orderId, status, filled]`, sorted like `mirror.openOrders`. */
export function engineOrders(
  sim: Simulator,
  accountId: string,
  venue: string,
): [string, string, string, string][] {
  // As the venue's own REST doors list them (Toobit USDT-M's symbols are its own).
  return venueRestBodies(
    sim.exchange,
    accountId,
    venue as Parameters<Simulator['exchange']['orders']>[1],
    'openOrders',
  )
    .map(
      (o) =>
        [String(o.symbol), String(o.orderId), String(o.status), normalizeDecimal(String(o.executedQty))] as [
          string,
          string,
          string,
          string,
        ],
    )
    .sort((a, b) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1].length - b[1].length || (a[1] < b[1] ? -1 : 1),
    );
}
