import { eventIdentity } from '@userstream/core';
import type { AccountMirror } from '@userstream/keepalive';
import { GAP_MARKER, type RedisEventSink } from '@userstream/redis';
import type { Simulator } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import { differences, mirrorView, simulatorView } from './comparison.js';
import { EventTally, type SentEvent, streamedEvents } from './event-audit.js';

/** The market every fleet account streams: USD-M futures over a listenKey. */
export const FLEET_VENUE = 'binance-usdm';

/** What Redis holds for one account, against what the exchange sent into its stream. */
export interface AccountAudit {
  id: string;
  /** Events the simulator sent into the account's stream (engine events, from its record). */
  sent: number;
  inRedis: number;
  duplicatesInRedis: number;
  /** Sent events not in Redis, and of those the ones no `@gap` marker announced (must be 0). */
  lost: number;
  lostWithoutGap: number;
  gapMarkers: number;
}

/**
 * The identity of a stored event: core's `eventIdentity` of the JSON the sink wrote (the event
 * as delivered, secret fields left out), so Redis entries and the simulator's recorded payloads
 * are compared by one rule; text that is no JSON is its own identity.
 */
function entryIdentity(json: string): string {
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    return `text|${json}`;
  }
  return event !== null && typeof event === 'object' ? eventIdentity(event) : `text|${json}`;
}

/**
 * Compares an account's Redis Stream entries (fields as an object, in stream order) with the
 * events the exchange sent. Duplicates: entries holding an event (by identity) stored before.
 * Lost: sent events not stored (by identity where the record kept the payload, and by type and
 * `E` copies always). A `@gap` marker announces a loss from the last event stored before it up
 * to the first event stored after it, or up to the marker's own time if later (the new owner's
 * mirror resyncs from there); a loss outside every such window is unannounced.
 */
export function auditStream(
  entries: readonly Readonly<Record<string, string>>[],
  sent: readonly SentEvent[],
): Omit<AccountAudit, 'id'> {
  const stored = new EventTally();
  let events = 0;
  let gapMarkers = 0;
  const windows: { from: number; to: number }[] = [];
  let lastE = Number.NEGATIVE_INFINITY;
  let open: { from: number; at: number } | undefined;
  for (const f of entries) {
    const E = Number(f.E);
    if (f.e === GAP_MARKER) {
      gapMarkers++;
      if (open) windows.push({ from: open.from, to: open.at });
      open = { from: lastE, at: E };
      continue;
    }
    events++;
    stored.addIdentity(entryIdentity(f.event ?? ''), String(f.e), E);
    if (open) {
      windows.push({ from: open.from, to: Math.max(open.at, E) });
      open = undefined;
    }
    lastE = E;
  }
  if (open) windows.push({ from: open.from, to: Number.POSITIVE_INFINITY });
  const { lost, unannounced } = stored.losses(sent, (E) => windows.some((w) => w.from < E && E <= w.to));
  return {
    sent: sent.length,
    inRedis: events,
    duplicatesInRedis: stored.duplicates,
    lost,
    lostWithoutGap: unannounced,
    gapMarkers,
  };
}

/** An account's Redis Stream entries, fields as objects, in stream order. */
export async function readEntries(
  reader: Redis,
  sink: RedisEventSink,
  accountId: string,
): Promise<Record<string, string>[]> {
  const raw = await reader.xrange(sink.streamKey(accountId), '-', '+');
  return raw.map(([, fields]) => {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
    return out;
  });
}

/** What Redis holds for an account compared with what the simulator sent into its stream. */
export async function auditAccount(
  reader: Redis,
  sink: RedisEventSink,
  sim: Simulator,
  accountId: string,
): Promise<AccountAudit> {
  const sent = streamedEvents(sim.record.events({ accountId, venue: FLEET_VENUE }));
  return { id: accountId, ...auditStream(await readEntries(reader, sink, accountId), sent) };
}

/** Where the owner's mirror of an account differs from the exchange's engine. */
export function compareAccount(
  sim: Simulator,
  accountId: string,
  mirror: AccountMirror | undefined,
): string[] {
  if (!mirror) return ['no live owner'];
  if (mirror.phase !== 'live') return [`mirror is ${mirror.phase}`];
  return differences(mirrorView(mirror), simulatorView(sim, accountId, FLEET_VENUE));
}
