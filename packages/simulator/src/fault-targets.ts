import { describeValue, type VenueId } from '@userstream/core';
import type { AccountRecord } from './accounts.js';
import type { SimConnection } from './connection.js';
import type { ConnectionSelector, FaultTarget } from './fault-types.js';
import type { Hub } from './hub.js';
import { inputKit } from './option-kits.js';
import type { Sink } from './sink.js';
import { isVenueId, marketKeyOf, type WeightGroup, weightGroupOf } from './venue-map.js';

/** A fault target made concrete: one account (or all), one venue (or all). */
export interface ResolvedTarget {
  accountId: string | undefined;
  venue: VenueId | undefined;
}

export interface FaultTargetDeps {
  hub: Hub;
  accountByApiKey: (apiKey: string) => AccountRecord | undefined;
  accountById: (id: string) => AccountRecord | undefined;
}

const ALL_GROUPS: readonly WeightGroup[] = [
  'api',
  'fapi',
  'dapi',
  'papi',
  'bhex',
  'coins',
  'toobit',
  'bitrue',
  'wsApi',
];

/**
 * What a fault hits: the account and venue it names (checked: an unknown account or venue is
 * refused, never silently "nothing"), then the stream sinks, connections or REST weight groups
 * that match them.
 */
export class FaultTargets {
  readonly #d: FaultTargetDeps;

  constructor(deps: FaultTargetDeps) {
    this.#d = deps;
  }

  resolve(target: FaultTarget): ResolvedTarget {
    let accountId: string | undefined;
    if (target.apiKey !== undefined) {
      const record = this.#d.accountByApiKey(target.apiKey);
      if (!record)
        throw inputKit.invalid('fault target apiKey is not one of the simulator accounts', 'apiKey');
      accountId = record.account.id;
    }
    if (target.accountId !== undefined) {
      if (!this.#d.accountById(target.accountId)) {
        throw inputKit.invalid(
          `fault target accountId ${JSON.stringify(describeValue(target.accountId).slice(0, 64))} is unknown`,
          'accountId',
        );
      }
      if (accountId !== undefined && accountId !== target.accountId) {
        throw inputKit.invalid('fault target apiKey and accountId name different accounts', 'accountId');
      }
      accountId = target.accountId;
    }
    if (target.venue !== undefined && !isVenueId(target.venue)) {
      throw inputKit.invalid(
        `fault target venue ${JSON.stringify(describeValue(target.venue).slice(0, 64))} is not a built-in venue id`,
        'venue',
      );
    }
    return { accountId, venue: target.venue };
  }

  sinks(target: FaultTarget): Sink[] {
    const t = this.resolve(target);
    const market = t.venue === undefined ? undefined : marketKeyOf(t.venue);
    return this.#d.hub
      .allSinks()
      .filter(
        (s) =>
          (t.accountId === undefined || s.accountId === t.accountId) &&
          (market === undefined || s.market === market),
      );
  }

  connections(target: FaultTarget, selector: ConnectionSelector = 'all'): SimConnection[] {
    if (!['stream', 'wsApi', 'all'].includes(selector)) {
      throw inputKit.invalid("connections must be 'stream', 'wsApi' or 'all'", 'connections');
    }
    const t = this.resolve(target);
    const kindOk = (c: SimConnection) => selector === 'all' || c.kind === selector;
    if (t.accountId === undefined && t.venue === undefined)
      return [...this.#d.hub.connections].filter(kindOk);
    const set = new Set<SimConnection>();
    for (const sink of this.sinks(target)) if (kindOk(sink.connection)) set.add(sink.connection);
    return [...set];
  }

  groups(venue: VenueId | undefined): WeightGroup[] {
    if (venue === undefined) return [...ALL_GROUPS];
    if (!isVenueId(venue)) throw inputKit.invalid('venue is not a built-in venue id', 'venue');
    const group = weightGroupOf(venue);
    // The WebSocket API shares the spot host's IP limits.
    return group === 'api' ? ['api', 'wsApi'] : [group];
  }
}
