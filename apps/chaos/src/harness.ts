import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Clock,
  type ClockTimer,
  createScaledClock,
  createSigner,
  eventIdentity,
  type KeyMaterial,
  type Signer,
  type VenueId,
  venues,
  withBaseUrls,
} from '@userstream/core';
import { type FaultHandle, type FaultResult, type Simulator, startSimulator } from '@userstream/simulator';
import { type Canaries, type OutputCapture, renderError } from './capture.js';
import type { SentEvent, StreamObserver } from './checks.js';
import { ACCOUNTS, type FaultStep, type Plan, type StreamPlan } from './plan.js';
import { createRandom } from './random.js';
import { type RestTap, startRestTap } from './rest-tap.js';
import { type TradeStats, trader } from './trader.js';

/**
 * A clock that counts its live timers: after `close()` every timer a client set must be gone
 * (fired or cleared). Keeps the scaled clock's `speed` visible (streams scale wall-clock options by it).
 */
export class CountingClock implements Clock {
  readonly speed: number;
  readonly #inner: Clock;
  readonly #live = new Set<ClockTimer>();

  constructor(inner: Clock & { speed?: number }) {
    this.#inner = inner;
    this.speed = inner.speed ?? 1;
  }

  get live(): number {
    return this.#live.size;
  }

  now(): number {
    return this.#inner.now();
  }

  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const box: { t?: ClockTimer } = {};
    box.t = this.#inner.setTimeout(() => {
      this.#live.delete(box);
      callback();
    }, delayMs);
    this.#live.add(box);
    return box;
  }

  clearTimeout(timer: ClockTimer): void {
    const box = timer as { t?: ClockTimer };
    this.#live.delete(box);
    if (box.t) this.#inner.clearTimeout(box.t);
  }
}

/** Polls (real time) until `check` holds or `ms` pass; returns whether it held. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms: number,
  stepMs = 25,
): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Open sockets and handles of this process by type (what `close()` must give back). */
export function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** The simulator side of a run: the exchange on a scaled clock, the REST tap, the accounts' secrets as canaries. */
export interface Exchange {
  sim: Simulator;
  /** The simulator's own clock (the clients get a counting wrapper of the same clock). */
  clock: Clock & { speed: number };
  /** The profile of `venue` pointed at the simulator, REST through the tap. */
  venue(id: VenueId): ReturnType<Simulator['venue']>;
  credentials(stream: StreamPlan): { apiKey: string } & KeyMaterial;
  close(): Promise<void>;
}

export async function startExchange(plan: Plan, canaries: Canaries, start?: number): Promise<Exchange> {
  const clock = createScaledClock({ speed: plan.speed, ...(start === undefined ? {} : { start }) });
  const sim = await startSimulator({
    clock,
    seed: plan.seed,
    accounts: ACCOUNTS.map((a) => ({ id: a.id, keyType: a.keyType })),
  });
  for (const a of sim.accounts) {
    canaries.add('apiKey', a.apiKey);
    canaries.add('secret', a.secret);
    // A leaked private key shows as its base64 lines.
    for (const line of (a.privateKeyPem ?? '').split('\n')) {
      if (!line.startsWith('-----')) canaries.add('privateKey', line.trim());
    }
  }
  // One tap (so one origin) per REST host of the plan's venues: a client keeps rate limits and
  // bans per origin, as the venues keep weight per host (spot and margin share api.binance.com).
  const hostOf = (id: VenueId) => new URL(venues[id].restBaseUrl).host;
  const taps = new Map<string, RestTap>();
  for (const s of plan.streams) {
    const host = hostOf(s.venue);
    if (!taps.has(host)) taps.set(host, await startRestTap(sim.urls.rest, canaries));
  }
  const tapOf = (id: VenueId): RestTap => {
    const tap = taps.get(hostOf(id));
    if (!tap) throw new Error(`no REST tap for ${id}: not in the plan`);
    return tap;
  };
  const account = (id: string) => {
    const a = sim.accounts.find((x) => x.id === id);
    if (!a) throw new Error(`no account ${id}`);
    return a;
  };
  return {
    sim,
    clock,
    venue: (id) => withBaseUrls(sim.venue(id), { rest: tapOf(id).url }),
    credentials(stream) {
      const a = account(stream.accountId);
      const material: KeyMaterial =
        a.secret !== undefined ? { secret: a.secret } : { privateKey: a.privateKeyPem };
      if (stream.signing === 'key') return { apiKey: a.apiKey, ...material };
      // An external signer: every signature the client makes passes here, so each is a canary.
      const inner: Signer = createSigner(material);
      const signer: Signer = {
        keyType: inner.keyType,
        sign: async (payload) => {
          const signature = await inner.sign(payload);
          canaries.add('signature', signature);
          return signature;
        },
      };
      return { apiKey: a.apiKey, signer };
    },
    async close() {
      await sim.close();
      for (const tap of taps.values()) await tap.close();
    },
  };
}

/** Applies a plan's faults at their moments and trades on every stream's account meanwhile. */
export class ChaosDriver {
  readonly applied: { step: FaultStep; result?: FaultResult; error?: string }[] = [];
  readonly trades: TradeStats = { steps: 0, rejected: 0 };
  readonly #sim: Simulator;
  readonly #plan: Plan;
  readonly #handles = new Map<number, FaultHandle>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #capture: OutputCapture;

  constructor(sim: Simulator, plan: Plan, capture: OutputCapture) {
    this.#sim = sim;
    this.#plan = plan;
    this.#capture = capture;
  }

  /** Runs the chaos phase (real time `plan.chaosMs`), then clears every fault. */
  async run(onTick?: (elapsedMs: number) => void | Promise<void>): Promise<void> {
    const random = createRandom(this.#plan.seed ^ 0x7a3d);
    const steps = this.#plan.streams.map((s) =>
      trader(this.#sim, s.venue, s.accountId, random.fork(), this.trades),
    );
    for (const step of this.#plan.faults) {
      const t = setTimeout(() => this.#apply(step), step.atMs);
      this.#timers.push(t);
    }
    const started = Date.now();
    while (Date.now() - started < this.#plan.chaosMs) {
      if (steps.length > 0) random.pick(steps)();
      await onTick?.(Date.now() - started);
      await sleep(this.#plan.tradeEveryMs);
    }
    for (const t of this.#timers.splice(0)) clearTimeout(t);
    this.#sim.faults.clear();
  }

  #apply(step: FaultStep): void {
    try {
      if (step.spec.type === 'release' && step.releaseOf !== undefined) {
        this.#handles.get(step.releaseOf)?.release();
        this.applied.push({ step });
        return;
      }
      const result = this.#sim.faults.apply(step.spec);
      const f = this.#sim.faults;
      // Faults applied as data are released by their id.
      this.#handles.set(step.id, {
        id: result.id,
        type: result.type,
        release: () => f.apply({ type: 'release', id: result.id }),
      });
      this.applied.push({ step, result });
    } catch (error) {
      // A fault the simulator refuses is a bug of the plan (or of the simulator): say so.
      this.#capture.error(`fault ${step.spec.type}`, error);
      this.applied.push({ step, error: renderError(error).split('\n')[0] ?? 'error' });
    }
  }

  stop(): void {
    for (const t of this.#timers.splice(0)) clearTimeout(t);
  }
}

/**
 * Keeps what a failing run said (every log line, diagnostic, child output, delivered event and
 * gap) under `node_modules/.cache/chaos-runs/seed-N/`, for the post-mortem; returns the directory.
 */
export function writeArtifacts(seed: number, files: Record<string, string>): string {
  const dir = fileURLToPath(new URL(`../node_modules/.cache/chaos-runs/seed-${seed}/`, import.meta.url));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files))
    writeFileSync(`${dir}${name.replace(/[^\w.-]+/g, '_')}`, text);
  return dir;
}

/** A stream's deliveries and gaps, then what the exchange sent (E, type, arrived or not). */
export function timelineOf(observer: StreamObserver, sent: readonly SentEvent[]): string {
  const delivered = new Set(observer.keys);
  const sentLines = sent.map(
    (s) =>
      `${s.E} ${s.e} ${s.source} ${s.event ? (delivered.has(eventIdentity(s.event)) ? 'arrived' : 'MISSING') : ''}`,
  );
  return [
    `# windows: ${JSON.stringify(observer.windows)}`,
    '# delivered (real ms, in arrival order)',
    ...observer.timeline,
    '# sent by the exchange (counted part of the run)',
    ...sentLines,
  ].join('\n');
}
