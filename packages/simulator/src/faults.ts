import type { Clock, ClockTimer, VenueId } from '@userstream/core';
import type { AccountRecord } from './accounts.js';
import type { SimConnection } from './connection.js';
import { channels, publish } from './diagnostics.js';
import { countOr, durationOr } from './fault-checks.js';
import { applyFaultSpec } from './fault-spec.js';
import { FaultTargets } from './fault-targets.js';
import type {
  BanOptions,
  DropOptions,
  DuplicateOptions,
  ExpireOptions,
  FailKeepalivesOptions,
  FaultHandle,
  FaultResult,
  FaultSpec,
  Faults,
  FaultTarget,
  FaultType,
  HangRequestsOptions,
  RateLimitOptions,
  RefuseOptions,
  ReorderOptions,
  ServerShutdownOptions,
  StallOptions,
} from './fault-types.js';
import type { Hub } from './hub.js';
import type { ListenKeys } from './listen-keys.js';
import type { ListenTokens } from './listen-tokens.js';
import { inputKit } from './option-kits.js';
import type { RateLimiter } from './rate-limit.js';
import type { Recorder } from './record.js';
import type { KeepaliveFailure } from './rest.js';
import type { Sink } from './sink.js';
import { marketKeyOf } from './venue-map.js';
import {
  type AnnouncementOptions,
  announcementJson,
  announcementSinks,
} from './venues/aster-announcement.js';
import type { WsApi } from './ws-api.js';

export interface FaultDeps {
  clock: Clock;
  serverNow: () => number;
  hub: Hub;
  listenKeys: ListenKeys;
  tokens: ListenTokens;
  wsApi: WsApi;
  limiter: RateLimiter;
  recorder: Recorder;
  accountByApiKey: (apiKey: string) => AccountRecord | undefined;
  accountById: (id: string) => AccountRecord | undefined;
}

interface PendingKeepaliveFailure {
  id: number;
  accountId: string | undefined;
  venue: VenueId | undefined;
  remaining: number;
  mode: KeepaliveFailure;
}

interface PendingHang {
  id: number;
  accountId: string | undefined;
  venue: VenueId | undefined;
  method: string | undefined;
  path: string;
  remaining: number;
}

/** The fault controller behind `sim.faults` and `POST /admin/faults`. */
export class FaultController implements Faults {
  readonly #d: FaultDeps;
  #skew = 0;
  #nextId = 1;
  readonly #stalls = new Map<
    number,
    { connections: SimConnection[]; flush: boolean; timer: ClockTimer | undefined }
  >();
  readonly #keepaliveFailures: PendingKeepaliveFailure[] = [];
  readonly #hangs: PendingHang[] = [];
  #refuse: { id: number; mode: 'reject' | 'reset'; timer: ClockTimer | undefined } | undefined;
  readonly #timers = new Set<ClockTimer>();

  readonly #targets: FaultTargets;

  constructor(deps: FaultDeps) {
    this.#d = deps;
    this.#targets = new FaultTargets(deps);
  }

  get skewMs(): number {
    return this.#skew;
  }

  /** The refusal in force for new WebSocket connections, if any. */
  get refusing(): 'reject' | 'reset' | undefined {
    return this.#refuse?.mode;
  }

  /** Applies a fault described as data (fault-spec.ts reads it). */
  apply(spec: FaultSpec): FaultResult {
    return applyFaultSpec(this, spec);
  }

  /** The id of a fault applied as data that has no handle (taken after it ran). */
  takeId(): number {
    return this.#nextId++;
  }

  /** How many connections stall `id` holds. */
  stalled(id: number): number {
    return this.#stalls.get(id)?.connections.length ?? 0;
  }

  /** Ends fault `id` (a stall, a refusal, pending keepalive failures); unknown ids are ignored. */
  release(id: number): void {
    this.#release(id);
  }

  drop(options: DropOptions = {}): number {
    const mode = options.mode ?? 'close';
    if (mode !== 'close' && mode !== 'terminate')
      throw inputKit.invalid("drop mode must be 'close' or 'terminate'", 'mode');
    const code = options.code ?? 1001;
    const connections = this.#targets.connections(options, options.connections);
    for (const c of connections) {
      if (mode === 'terminate') c.terminate();
      else c.close(code, 'dropped by fault');
    }
    this.#note('drop', { mode, count: connections.length });
    return connections.length;
  }

  stall(options: StallOptions = {}): FaultHandle {
    const durationMs = durationOr(options.durationMs, 'durationMs', -1);
    const connections = this.#targets.connections(options, options.connections);
    const id = this.#nextId++;
    for (const c of connections) c.stall();
    let timer: ClockTimer | undefined;
    if (durationMs >= 0) {
      timer = this.#d.clock.setTimeout(() => this.#release(id), durationMs);
    }
    this.#stalls.set(id, { connections, flush: options.flush ?? true, timer });
    this.#note('stall', { count: connections.length });
    return this.#handle(id, 'stall');
  }

  expire(options: ExpireOptions = {}): number {
    const target = this.#targets.resolve(options);
    let n = 0;
    for (const entry of [...this.#d.listenKeys.entries()]) {
      if (options.listenKey !== undefined && entry.key !== options.listenKey) continue;
      if (options.listenToken !== undefined) continue;
      if (target.accountId !== undefined && entry.accountId !== target.accountId) continue;
      if (target.venue !== undefined && marketKeyOf(entry.venue) !== marketKeyOf(target.venue)) continue;
      this.#d.listenKeys.expire(entry);
      n++;
    }
    if (options.listenKey === undefined) {
      n += this.#d.tokens.expireNow((entry) => {
        if (options.listenToken !== undefined && entry.token !== options.listenToken) return false;
        if (target.accountId !== undefined && entry.accountId !== target.accountId) return false;
        if (target.venue !== undefined) {
          const market = marketKeyOf(target.venue);
          const own = entry.venue ? marketKeyOf(entry.venue) : entry.isolated ? 'isolatedMargin' : 'margin';
          if (market !== own) return false;
        }
        return true;
      });
    }
    this.#note('expire', { count: n });
    return n;
  }

  failKeepalives(options: FailKeepalivesOptions): FaultHandle {
    if (!options || !['-1125', '5xx', 'timeout'].includes(options.mode)) {
      throw inputKit.invalid("failKeepalives needs mode '-1125', '5xx' or 'timeout'", 'mode');
    }
    const target = this.#targets.resolve(options);
    const id = this.#nextId++;
    this.#keepaliveFailures.push({
      id,
      accountId: target.accountId,
      venue: target.venue,
      remaining: countOr(options.count, 'count', 1),
      mode: options.mode,
    });
    this.#note('failKeepalives', { mode: options.mode });
    return this.#handle(id, 'failKeepalives');
  }

  /** Consumes a pending keepalive failure for this account and venue (called by the REST side). */
  takeKeepaliveFailure(accountId: string, venue: VenueId): KeepaliveFailure | undefined {
    for (let i = 0; i < this.#keepaliveFailures.length; i++) {
      const f = this.#keepaliveFailures[i] as PendingKeepaliveFailure;
      if (f.accountId !== undefined && f.accountId !== accountId) continue;
      if (f.venue !== undefined && marketKeyOf(f.venue) !== marketKeyOf(venue)) continue;
      f.remaining--;
      if (f.remaining <= 0) this.#keepaliveFailures.splice(i, 1);
      return f.mode;
    }
    return undefined;
  }

  hangRequests(options: HangRequestsOptions): FaultHandle {
    if (!options || typeof options.path !== 'string' || !options.path.startsWith('/')) {
      throw inputKit.invalid('hangRequests needs the REST `path`, e.g. "/sapi/v1/userListenToken"', 'path');
    }
    if (options.method !== undefined && typeof options.method !== 'string') {
      throw inputKit.invalid('hangRequests `method` is an HTTP method such as "POST"', 'method');
    }
    const target = this.#targets.resolve(options);
    const id = this.#nextId++;
    this.#hangs.push({
      id,
      accountId: target.accountId,
      venue: target.venue,
      method: options.method?.toUpperCase(),
      path: options.path,
      remaining: countOr(options.count, 'count', 1),
    });
    this.#note('hangRequests', { path: options.path });
    return this.#handle(id, 'hangRequests');
  }

  /** Whether this request is one a hangRequests fault holds unanswered (consumes one; REST side). */
  takeHang(method: string, path: string, accountId: string | undefined, venue: VenueId): boolean {
    for (let i = 0; i < this.#hangs.length; i++) {
      const h = this.#hangs[i] as PendingHang;
      if (h.path !== path || (h.method !== undefined && h.method !== method)) continue;
      if (h.accountId !== undefined && h.accountId !== accountId) continue;
      if (h.venue !== undefined && marketKeyOf(h.venue) !== marketKeyOf(venue)) continue;
      h.remaining--;
      if (h.remaining <= 0) this.#hangs.splice(i, 1);
      return true;
    }
    return false;
  }

  rateLimit(options: RateLimitOptions = {}): void {
    const retryAfterMs = durationOr(options.retryAfterMs, 'retryAfterMs', 60_000);
    this.#d.limiter.limit(this.#targets.groups(options.venue), retryAfterMs);
    this.#note('rateLimit', { retryAfterMs });
  }

  ban(options: BanOptions = {}): void {
    const durationMs = durationOr(options.durationMs, 'durationMs', 120_000);
    this.#d.limiter.ban(this.#targets.groups(options.venue), durationMs);
    this.#note('ban', { durationMs });
  }

  skewClock(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms))
      throw inputKit.invalid('skewClock takes a finite number of ms', 'ms');
    this.#skew = Math.trunc(ms);
    this.#note('skewClock', { ms: this.#skew });
  }

  malformedFrame(options: FaultTarget = {}): number {
    const sinks = this.#targets.sinks(options);
    for (const sink of sinks) sink.connection.send('{"e":"executionReport","E":');
    this.#note('malformedFrame', { count: sinks.length });
    return sinks.length;
  }

  #unknownSeq = 0;

  unknownEvent(options: FaultTarget = {}): number {
    const sinks = this.#targets.sinks(options);
    const byTarget = new Map<string, Sink[]>();
    for (const sink of sinks) {
      const list = byTarget.get(sink.targetKey) ?? [];
      list.push(sink);
      byTarget.set(sink.targetKey, list);
    }
    for (const [targetKey, list] of byTarget) {
      const E = this.#d.hub.nextE(targetKey, this.#d.serverNow());
      this.#d.recorder.event(targetKey, { e: 'simUnknownEvent', E, source: 'fault' });
      // `i` tells apart unknown events that share a millisecond E (they are not repeats).
      const json = JSON.stringify({
        e: 'simUnknownEvent',
        E,
        i: ++this.#unknownSeq,
        note: 'an event type no venue documents',
      });
      for (const sink of list) this.#d.hub.deliver(sink, json);
    }
    this.#note('unknownEvent', { count: sinks.length });
    return sinks.length;
  }

  /** Aster futures v3's `announcement` (venues/aster-announcement.ts): no `E`, nothing recorded as an account event. */
  announce(options: FaultTarget & AnnouncementOptions = {}): number {
    const sinks = announcementSinks(this.#targets.sinks(options));
    const json = announcementJson(++this.#announcementSeq, this.#d.serverNow(), options);
    for (const sink of sinks) this.#d.hub.deliver(sink, json);
    this.#note('announce', { count: sinks.length });
    return sinks.length;
  }

  #announcementSeq = 0;

  duplicate(options: DuplicateOptions = {}): number {
    const count = countOr(options.count, 'count', 1);
    const sinks = this.#targets.sinks(options);
    for (const sink of sinks) sink.duplicate += count;
    this.#note('duplicate', { count: sinks.length });
    return sinks.length;
  }

  reorder(options: ReorderOptions = {}): number {
    const window = countOr(options.window, 'window', 3);
    const windows = countOr(options.windows, 'windows', 1);
    if (window < 2) throw inputKit.invalid('reorder window must be at least 2', 'window');
    const sinks = this.#targets.sinks(options);
    for (const sink of sinks) {
      if (sink.reorder) this.#d.hub.flushReorder(sink);
      sink.reorder = { window, remaining: windows, buffer: [], timer: undefined };
    }
    this.#note('reorder', { count: sinks.length, window });
    return sinks.length;
  }

  serverShutdown(options: ServerShutdownOptions = {}): number {
    const target = this.#targets.resolve(options);
    const closeAfterMs = durationOr(options.closeAfterMs, 'closeAfterMs', -1);
    const connections = this.#d.wsApi.serverShutdown(target);
    if (closeAfterMs >= 0) {
      const timer = this.#d.clock.setTimeout(() => {
        this.#timers.delete(timer);
        for (const c of connections) c.close(1001, 'server shutdown');
      }, closeAfterMs);
      this.#timers.add(timer);
    }
    this.#note('serverShutdown', { count: connections.length });
    return connections.length;
  }

  eventStreamTerminated(options: FaultTarget = {}): number {
    const n = this.#d.wsApi.terminateSubscriptions(this.#targets.resolve(options));
    this.#note('eventStreamTerminated', { count: n });
    return n;
  }

  refuseConnections(options: RefuseOptions = {}): FaultHandle {
    const durationMs = durationOr(options.durationMs, 'durationMs', -1);
    const mode = options.mode ?? 'reject';
    if (mode !== 'reject' && mode !== 'reset')
      throw inputKit.invalid("refuseConnections mode must be 'reject' or 'reset'", 'mode');
    if (this.#refuse) this.#release(this.#refuse.id);
    const id = this.#nextId++;
    let timer: ClockTimer | undefined;
    if (durationMs >= 0) timer = this.#d.clock.setTimeout(() => this.#release(id), durationMs);
    this.#refuse = { id, mode, timer };
    this.#note('refuseConnections', { mode });
    return this.#handle(id, 'refuseConnections');
  }

  clear(): void {
    for (const id of [...this.#stalls.keys()]) this.#release(id);
    if (this.#refuse) this.#release(this.#refuse.id);
    this.#keepaliveFailures.length = 0;
    this.#hangs.length = 0;
    for (const sink of this.#d.hub.allSinks()) {
      sink.duplicate = 0;
      if (sink.reorder) this.#d.hub.flushReorder(sink);
      sink.reorder = undefined;
    }
    this.#d.limiter.reset();
    this.#skew = 0;
    this.#note('clear', {});
  }

  active(): readonly { id: number; type: FaultType }[] {
    const out: { id: number; type: FaultType }[] = [];
    for (const id of this.#stalls.keys()) out.push({ id, type: 'stall' });
    for (const f of this.#keepaliveFailures) out.push({ id: f.id, type: 'failKeepalives' });
    for (const h of this.#hangs) out.push({ id: h.id, type: 'hangRequests' });
    if (this.#refuse) out.push({ id: this.#refuse.id, type: 'refuseConnections' });
    return out;
  }

  /** Stops every fault timer (simulator close). */
  dispose(): void {
    for (const stall of this.#stalls.values()) if (stall.timer) this.#d.clock.clearTimeout(stall.timer);
    this.#stalls.clear();
    if (this.#refuse?.timer) this.#d.clock.clearTimeout(this.#refuse.timer);
    this.#refuse = undefined;
    for (const timer of this.#timers) this.#d.clock.clearTimeout(timer);
    this.#timers.clear();
  }

  #release(id: number): void {
    const stall = this.#stalls.get(id);
    if (stall) {
      this.#stalls.delete(id);
      if (stall.timer) this.#d.clock.clearTimeout(stall.timer);
      for (const c of stall.connections) c.release(stall.flush);
    }
    if (this.#refuse?.id === id) {
      if (this.#refuse.timer) this.#d.clock.clearTimeout(this.#refuse.timer);
      this.#refuse = undefined;
    }
    const i = this.#keepaliveFailures.findIndex((f) => f.id === id);
    if (i >= 0) this.#keepaliveFailures.splice(i, 1);
    const h = this.#hangs.findIndex((f) => f.id === id);
    if (h >= 0) this.#hangs.splice(h, 1);
  }

  #handle(id: number, type: FaultType): FaultHandle {
    return Object.freeze({ id, type, release: () => this.#release(id) });
  }

  #note(type: string, details: Record<string, unknown>): void {
    publish(channels.fault, () => ({ type, ...details }));
  }
}
