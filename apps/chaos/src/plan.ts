import type { VenueId } from '@userstream/core';
import type { FaultSpec } from '@userstream/simulator';
import { createRandom, type Random } from './random.js';

export type Protocol = 'wsApi' | 'listenToken' | 'listenKey';

/** Every venue and protocol the simulator speaks, as the suite opens them. */
export const STREAM_KINDS: readonly { venue: VenueId; protocol: Protocol; symbol?: string }[] = [
  { venue: 'binance-spot', protocol: 'wsApi' },
  { venue: 'binance-margin', protocol: 'listenToken' },
  { venue: 'binance-isolated-margin', protocol: 'listenToken', symbol: 'BTCUSDT' },
  { venue: 'binance-usdm', protocol: 'listenKey' },
  { venue: 'binance-coinm', protocol: 'listenKey' },
  { venue: 'binance-portfolio-margin', protocol: 'listenKey' },
  { venue: 'binance-spot-legacy', protocol: 'listenKey' },
  { venue: 'bhex', protocol: 'listenKey' },
  { venue: 'coins-ph', protocol: 'listenKey' },
  // Issue #18's listenKey venues (appended: the first nine keep their indexes).
  { venue: 'binance-options', protocol: 'listenKey' },
  { venue: 'binance-margin-risk', protocol: 'listenKey' },
  { venue: 'binance-pm-pro', protocol: 'listenKey' },
  { venue: 'binance-coinm-testnet', protocol: 'listenKey' },
];

/** The simulator's accounts in every run: one per key type. */
export const ACCOUNTS = [
  { id: 'acct-hmac', keyType: 'hmac' },
  { id: 'acct-ed25519', keyType: 'ed25519' },
  { id: 'acct-rsa', keyType: 'rsa' },
] as const;

export interface StreamPlan {
  /** `venue/account`, unique in a run. */
  name: string;
  venue: VenueId;
  protocol: Protocol;
  symbol?: string;
  accountId: string;
  /** `key`: the library signs with the secret or private key; `signer`: an external signer (records every signature). */
  signing: 'key' | 'signer';
}

/** A fault at a moment of the chaos phase (real ms from its start). `releaseOf` names an earlier step's `id`. */
export interface FaultStep {
  id: number;
  atMs: number;
  spec: FaultSpec;
  releaseOf?: number;
}

/** `partition` is never a seed's own kind: only `--kind partition` runs it (see `kindOf`). */
export type RunKind = 'inProcess' | 'child' | 'fleet' | 'partition';

/**
 * A partition of one worker's link (its own TCP proxy to Redis or to the simulator) for `forMs`
 * real ms, then healed. `worker` indexes the live workers at that moment (modulo their count).
 */
export interface PartitionStep {
  atMs: number;
  worker: number;
  link: 'redis' | 'venue';
  action: 'cut' | 'blackhole' | 'delay';
  /** Latency added to every chunk (`delay` only), real ms. */
  delayMs?: number;
  forMs: number;
}

export interface Plan {
  seed: number;
  kind: RunKind;
  /** Protocol clock speed (×real time) shared by the simulator and the clients. */
  speed: number;
  streams: StreamPlan[];
  /** Real ms of faults and trading; then every fault is cleared and the run settles. */
  chaosMs: number;
  /** Real ms between trading steps on the engine. */
  tradeEveryMs: number;
  faults: FaultStep[];
  /** Fleet runs: workers sharing the accounts, and workers killed (closed without release) on the way. */
  fleet?: { workers: number; kills: number[] };
  /** Partition runs: each worker's links cut, blackholed or delayed, then healed. */
  partitions?: PartitionStep[];
}

const FAULT_TYPES = [
  'drop',
  'stall',
  'release',
  'expire',
  'failKeepalives',
  'rateLimit',
  'ban',
  'skewClock',
  'malformedFrame',
  'unknownEvent',
  'duplicate',
  'reorder',
  'serverShutdown',
  'eventStreamTerminated',
  'refuseConnections',
  'clear',
] as const satisfies readonly FaultSpec['type'][];

/** Shortest real duration of a stall that discards what it held back (see `faultSpec`). */
const DISCARDING_STALL_MIN_MS = 1_500;

const discarding = (s: FaultStep) => s.spec.type === 'stall' && s.spec.flush === false;
const stallRealMs = (s: FaultStep, speed: number) =>
  s.spec.type === 'stall' ? (s.spec.durationMs ?? 0) / speed : 0;

/** Real milliseconds → protocol milliseconds at `speed`. */
const protocolMs = (realMs: number, speed: number) => Math.round(realMs * speed);

function target(r: Random, streams: readonly StreamPlan[]): { accountId?: string; venue?: VenueId } {
  const roll = r.next();
  if (roll < 0.25) return {};
  const s = r.pick(streams);
  if (roll < 0.4) return { accountId: s.accountId };
  if (roll < 0.5) return { venue: s.venue };
  return { accountId: s.accountId, venue: s.venue };
}

function faultSpec(
  type: (typeof FAULT_TYPES)[number],
  r: Random,
  streams: readonly StreamPlan[],
  speed: number,
): FaultSpec {
  const t = () => target(r, streams);
  const lasting = () => protocolMs(r.int(150, 2_000), speed);
  const connections = () => r.pick(['stream', 'wsApi', 'all'] as const);
  switch (type) {
    case 'drop':
      return {
        type,
        ...t(),
        mode: r.pick(['close', 'terminate'] as const),
        code: r.pick([1000, 1001, 1011, 4000]),
        connections: connections(),
      };
    case 'stall': {
      // A stall that discards what it held (flush: false) lasts past the client's detection bound
      // (ping + pong timeout, 1 s of real time here): a live connection that silently loses data
      // for less than that is a loss no client can see without venue sequence numbers.
      const flush = r.chance(0.6);
      const durationMs = flush ? lasting() : protocolMs(r.int(DISCARDING_STALL_MIN_MS, 2_500), speed);
      return { type, ...t(), durationMs, flush, connections: connections() };
    }
    case 'release':
      return { type };
    case 'expire':
      return { type, ...t() };
    case 'failKeepalives':
      return { type, ...t(), mode: r.pick(['-1125', '5xx', 'timeout'] as const), count: r.int(1, 3) };
    case 'rateLimit': {
      const venue = r.chance(0.5) ? r.pick(streams).venue : undefined;
      return { type, ...(venue ? { venue } : {}), retryAfterMs: protocolMs(r.int(100, 1_500), speed) };
    }
    case 'ban': {
      const venue = r.chance(0.5) ? r.pick(streams).venue : undefined;
      return { type, ...(venue ? { venue } : {}), durationMs: protocolMs(r.int(200, 2_000), speed) };
    }
    case 'skewClock':
      // Up to 1.5 windows of recvWindow (60 s) either way: sometimes inside, sometimes -1021.
      return { type, ms: r.int(-90_000, 90_000) };
    case 'malformedFrame':
    case 'unknownEvent':
    case 'eventStreamTerminated':
      return { type, ...t() };
    case 'duplicate':
      return { type, ...t(), count: r.int(1, 12) };
    case 'reorder':
      return { type, ...t(), window: r.int(2, 6), windows: r.int(1, 3) };
    case 'serverShutdown':
      return {
        type,
        ...t(),
        ...(r.chance(0.7) ? { closeAfterMs: protocolMs(r.int(50, 1_000), speed) } : {}),
      };
    case 'refuseConnections':
      return {
        type,
        mode: r.pick(['reject', 'reset'] as const),
        // Now and then until released (by a later release/clear, or the end of the chaos phase).
        ...(r.chance(0.85) ? { durationMs: protocolMs(r.int(200, 2_500), speed) } : {}),
      };
    case 'clear':
      return { type };
  }
}

/** Faults at random moments of the chaos phase; lasting ones overlap what follows them. */
export function faultSchedule(
  r: Random,
  streams: readonly StreamPlan[],
  speed: number,
  chaosMs: number,
  count: number,
): FaultStep[] {
  const steps: FaultStep[] = [];
  const times = Array.from({ length: count }, () => r.int(100, Math.floor(chaosMs * 0.85))).sort(
    (a, b) => a - b,
  );
  for (const atMs of times) {
    const type = r.pick(FAULT_TYPES);
    const spec = faultSpec(type, r, streams, speed);
    const step: FaultStep = { id: steps.length, atMs, spec };
    if (type === 'release') {
      const lasting = steps.filter((s) =>
        ['stall', 'refuseConnections', 'failKeepalives'].includes(s.spec.type),
      );
      if (lasting.length > 0 && r.chance(0.8)) step.releaseOf = r.pick(lasting).id;
    }
    // Ending a discarding stall before the client could notice it would make its loss invisible
    // (see above): such a stall flushes instead.
    if (type === 'clear' || type === 'release') {
      for (const s of steps) {
        if (step.releaseOf !== undefined && step.releaseOf !== s.id) continue;
        if (discarding(s) && atMs < s.atMs + stallRealMs(s, speed))
          (s.spec as { flush: boolean }).flush = true;
      }
    }
    steps.push(step);
  }
  // The chaos phase ends with a clear: the same holds for stalls still running then.
  for (const s of steps) {
    if (discarding(s) && s.atMs + stallRealMs(s, speed) > chaosMs - 50)
      (s.spec as { flush: boolean }).flush = true;
  }
  return steps;
}

/**
 * The partition schedule of a seed, from a PRNG stream of its own (so it shifts no draw of the
 * seed's fleet plan): 3 to 7 link faults, overlapping each other and the simulator's faults. Cuts
 * and blackholes last 0.3 to 2.5 s of real time, so some outlast the ownership TTL (5 s of
 * protocol time, 1.25 s real at ×4) and some do not; delays are 20 to 300 ms, a slow network.
 */
export function partitionSchedule(seed: number, chaosMs: number): PartitionStep[] {
  const r = createRandom((seed ^ 0x5bd1e995) >>> 0);
  const count = r.int(3, 7);
  const steps: PartitionStep[] = [];
  for (let i = 0; i < count; i++) {
    const action = r.pick(['cut', 'blackhole', 'blackhole', 'delay'] as const);
    const atMs = r.int(200, Math.floor(chaosMs * 0.8));
    steps.push({
      atMs,
      worker: r.int(0, 2),
      link: r.pick(['redis', 'redis', 'venue'] as const),
      action,
      ...(action === 'delay' ? { delayMs: r.int(20, 300) } : {}),
      forMs: action === 'delay' ? r.int(500, 3_000) : r.int(300, 2_500),
    });
  }
  return steps.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Which kind of run a seed is (part of the seed, so `--seed N --runs 1` repeats run N exactly):
 * one in eight is a fleet run, one in eight runs each protocol in its own child process.
 */
export function kindOf(seed: number): RunKind {
  if (seed % 8 === 0) return 'fleet';
  if (seed % 8 === 5) return 'child';
  return 'inProcess';
}

/** The plan as a reader wants it in a failure report. */
export function describePlan(plan: Plan): string {
  const streams = plan.streams.map(
    (s) => `${s.name} (${s.protocol}${s.symbol ? ` ${s.symbol}` : ''}, ${s.signing})`,
  );
  const faults = plan.faults.map(
    (f) =>
      `  +${f.atMs} ms #${f.id} ${JSON.stringify(f.spec)}${f.releaseOf === undefined ? '' : ` (releases #${f.releaseOf})`}`,
  );
  const fleet = plan.fleet
    ? `\nfleet: ${plan.fleet.workers} workers, a worker killed at +${plan.fleet.kills.join(', +')} ms and replaced`
    : '';
  const partitions = (plan.partitions ?? []).map(
    (p) =>
      `  +${p.atMs} ms worker #${p.worker} ${p.link} link: ${p.action}${p.delayMs === undefined ? '' : ` ${p.delayMs} ms`} for ${p.forMs} ms`,
  );
  const partitionText =
    partitions.length > 0
      ? `\npartitions (real ms; worker # among the live ones):\n${partitions.join('\n')}`
      : '';
  return `kind: ${plan.kind}, clock ×${plan.speed}, chaos ${plan.chaosMs} ms, a trade every ${plan.tradeEveryMs} ms\nstreams: ${streams.join(', ')}${fleet}\nfault schedule (real ms from the start of the chaos phase; protocol ms inside):\n${faults.join('\n')}${partitionText}`;
}

/**
 * The plan of run `seed`: which streams (every venue and protocol, rotating so that consecutive
 * seeds cover all of them), which faults when. A pure function of its arguments.
 */
export function makePlan(seed: number, kind: RunKind): Plan {
  const r = createRandom(seed);
  const speed = 60;
  const chaosMs = kind === 'fleet' || kind === 'partition' ? 6_000 : 5_000;
  const streams: StreamPlan[] = [];
  const used = new Set<string>();
  const add = (kindIndex: number, only?: Protocol) => {
    const kinds = only ? STREAM_KINDS.filter((k) => k.protocol === only) : STREAM_KINDS;
    const k = kinds[kindIndex % kinds.length] as (typeof STREAM_KINDS)[number];
    // isolated margin and the WebSocket API's session.logon need particular key types on a real
    // venue; the simulator accepts every type on every path, so any account goes.
    const account = r.pick(ACCOUNTS);
    const name = `${k.venue}/${account.id}`;
    if (used.has(name)) return;
    used.add(name);
    streams.push({
      name,
      venue: k.venue,
      protocol: k.protocol,
      ...(k.symbol ? { symbol: k.symbol } : {}),
      accountId: account.id,
      signing: r.chance(0.3) ? 'signer' : 'key',
    });
  };
  if (kind === 'fleet' || kind === 'partition') {
    // A fleet shares USD-M accounts (the fleet's venue in the demo and the redis tests), on a
    // slower clock: membership and ownership bounds are seconds of protocol time.
    const fleetSpeed = 4;
    for (const a of ACCOUNTS) {
      streams.push({
        name: `binance-usdm/${a.id}`,
        venue: 'binance-usdm',
        protocol: 'listenKey',
        accountId: a.id,
        signing: r.chance(0.3) ? 'signer' : 'key',
      });
    }
    return {
      seed,
      kind,
      speed: fleetSpeed,
      streams,
      chaosMs,
      tradeEveryMs: 40,
      faults: faultSchedule(r.fork(), streams, fleetSpeed, chaosMs, r.int(4, 10)),
      fleet: { workers: r.int(2, 3), kills: [r.int(1_000, chaosMs - 2_000)] },
      ...(kind === 'partition' ? { partitions: partitionSchedule(seed, chaosMs) } : {}),
    };
  }
  if (kind === 'child') {
    // One child process per protocol; the seed picks the venue of each in turn.
    for (const protocol of ['wsApi', 'listenToken', 'listenKey'] as const) add(r.int(0, 8), protocol);
  } else {
    add(seed);
    const extra = r.int(1, 3);
    for (let i = 0; i < extra; i++) add(r.int(0, STREAM_KINDS.length - 1));
  }
  const faults = faultSchedule(r.fork(), streams, speed, chaosMs, r.int(6, 14));
  if (kind === 'child') {
    // The listen-only process's worst moment (issue 16, item 1): refused reconnects after a drop.
    faults.push(
      {
        id: faults.length,
        atMs: 600,
        spec: { type: 'refuseConnections', mode: 'reject', durationMs: protocolMs(2_500, speed) },
      },
      { id: faults.length + 1, atMs: 650, spec: { type: 'drop', mode: 'terminate' } },
    );
    faults.sort((a, b) => a.atMs - b.atMs);
  }
  return { seed, kind, speed, streams, chaosMs, tradeEveryMs: 25, faults };
}
