import type { Clock, Endpoint, KeyMaterial, VenueId } from '@userstream/core';
import { createRestClient, type RestClient } from '@userstream/rest';
import type { Simulator } from '@userstream/simulator';
import { Ladder, type OrderClient } from './ladder.js';
import type { Logger } from './logger.js';
import type { Note } from './notes.js';
import type { StreamRuntime } from './stream-runtime.js';
import { DEMO_ACCOUNT_ID, type StreamSpec, TICKER_PATHS } from './stream-specs.js';

export interface TradingSetup {
  credentials: { apiKey: string } & KeyMaterial;
  clock: Clock;
  restOptions: { recvWindow?: number };
  /** The embedded exchange (its engine gives the price), or undefined on a real venue. */
  sim: Simulator | undefined;
  runId: string;
  note(stream: string, level: Note['level'], text: string): void;
}

/**
 * Gives a stream with a ladder spec its trading: a REST client for orders and a ladder that
 * reads the stream's mirror and follows its changes. Returns the client (the bot closes it), or
 * undefined when the stream does not trade.
 */
export function startTrading(
  runtime: StreamRuntime,
  logger: Logger,
  o: TradingSetup,
): RestClient | undefined {
  const spec = runtime.spec;
  // A venue whose order form is not Binance's (Tokocrypto's numeric /open/v1) trades through the
  // embedded exchange's engine under --simulate; on a real venue it does not trade.
  const viaEngine = !spec.venue.endpoints.order && o.sim !== undefined;
  if (!spec.ladder || (!spec.venue.endpoints.order && !viaEngine)) return undefined;
  const client = createRestClient({
    venue: spec.venue,
    credentials: o.credentials,
    clock: o.clock,
    logger,
    ...o.restOptions,
  });
  const ladder = new Ladder({
    name: spec.name,
    venue: spec.venue,
    spec: spec.ladder,
    client: viaEngine && o.sim ? engineOrders(o.sim, spec.venue.id as VenueId) : client,
    ...(viaEngine ? { order: ENGINE_ORDER } : {}),
    price: priceSource(spec, client, o.sim),
    openOrders: () => runtime.mirror.openOrders,
    now: Date.now,
    note: (text, level) => o.note(spec.name, level, text),
    runId: o.runId,
  });
  runtime.ladder = ladder;
  runtime.mirror.on('change', (change) => ladder.onChange(change));
  return client;
}

/** The ladder's price: the engine's on the embedded exchange, the venue's ticker otherwise. */
function priceSource(
  spec: StreamSpec,
  client: RestClient,
  sim: Simulator | undefined,
): () => Promise<string> | string {
  const symbol = spec.ladder?.symbol as string;
  if (sim) return () => sim.exchange.price(symbol);
  const path = TICKER_PATHS[spec.venue.market] ?? '/api/v3/ticker/price';
  return async () => {
    const body = await client.request<{ price?: unknown }>({ method: 'GET', path, params: { symbol } });
    if (typeof body?.price !== 'string') throw new Error(`no price for ${symbol} at ${path}`);
    return body.price;
  };
}

/** The ladder's order "endpoint" when it trades through the engine: a label, never requested. */
const ENGINE_ORDER: Endpoint = { method: 'POST', path: '/engine/order', weight: 0, signed: true };

/** Places and cancels on the embedded exchange's engine, as the demo account (Binance parameters). */
function engineOrders(sim: Simulator, venue: VenueId): OrderClient {
  return {
    async request<T>(req: { method: string; params?: Record<string, string> }): Promise<T> {
      const params = req.params ?? {};
      if (req.method === 'DELETE') return sim.exchange.cancelOrder(DEMO_ACCOUNT_ID, venue, params) as T;
      return sim.exchange.placeOrder(DEMO_ACCOUNT_ID, venue, params) as T;
    },
  };
}
