import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Canaries, OutputCapture } from './capture.js';
import { checkDelivery, differences, explainOrders, type SentEvent, StreamObserver } from './checks.js';
import type { ChildConfig } from './child.js';
import { exchangeView, mirrorView } from './exchange-view.js';
import { ChaosDriver, sleep, startExchange, timelineOf, waitFor, writeArtifacts } from './harness.js';
import { CHAOS_LEASE_OPTIONS, CHAOS_STREAM_OPTIONS, type RunReport } from './in-process.js';
import type { Plan, StreamPlan } from './plan.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const outDir = fileURLToPath(new URL('../node_modules/.cache/chaos-child/', import.meta.url));
let built: Promise<string> | undefined;
/** How long a closed child may take to exit by itself: above the REST client's default timeout. */
const CHILD_EXIT_MS = 15_000;

/** Bundles `child.ts` with the workspace packages' sources (not their dist: the code under test as it is now). */
export function buildChild(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('esbuild');
    mkdirSync(outDir, { recursive: true });
    const outfile = `${outDir}child.cjs`;
    const src = (pkg: string) => `${root}packages/${pkg}/src/index.ts`;
    await build({
      entryPoints: [fileURLToPath(new URL('./child.ts', import.meta.url))],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
      external: ['bufferutil', 'utf-8-validate'],
      alias: {
        '@userstream/core': src('core'),
        '@userstream/rest': src('rest'),
        '@userstream/stream': src('stream'),
        '@userstream/keepalive': src('keepalive'),
        '@userstream/simulator': src('simulator'),
        '@userstream/redis': src('redis'),
      },
      // ws, undici and zod resolve from the packages that use them.
      nodePaths: [
        `${root}packages/stream/node_modules`,
        `${root}packages/rest/node_modules`,
        `${root}packages/core/node_modules`,
        `${root}packages/redis/node_modules`,
      ],
    });
    return outfile;
  })();
  return built;
}

interface ChildState {
  plan: StreamPlan;
  child: ChildProcess;
  observer: StreamObserver;
  ready: boolean;
  closedLine: boolean;
  exit: { code: number | null; signal: string | null; afterClose: boolean; at: number } | undefined;
  mirror:
    | {
        phase: string;
        state: string;
        balances: Record<string, { free: string; locked: string }>;
        openOrders: { symbol: unknown; orderId: unknown; status: unknown; filledQuantity?: unknown }[];
        /** Portfolio margin's margin ledger (`mirror.book('MARGIN')`). */
        margin?: {
          balances: Record<string, { free: string; locked: string }>;
          openOrders: { symbol: unknown; orderId: unknown; status: unknown; filledQuantity?: unknown }[];
        };
      }
    | undefined;
  output: string[];
  closeSentAt: number | undefined;
}

/**
 * One run with each stream in its own listen-only child process, the exchange in this one (as a
 * real venue is in another process): the children must stay alive through refused reconnects,
 * deliver every event (or a gap), keep their mirrors equal to the exchange, print no secret, and
 * exit by themselves after `close()`.
 */
export async function runChildren(plan: Plan, options: { unref?: boolean } = {}): Promise<RunReport> {
  const canaries = new Canaries();
  const capture = new OutputCapture();
  const violations: string[] = [];
  const refusedFaults: string[] = [];
  const figures: Record<string, unknown> = {};
  const script = await buildChild();
  const exchange = await startExchange(plan, canaries);
  const { sim } = exchange;
  const children: ChildState[] = [];
  const sentOf = (s: StreamPlan): readonly SentEvent[] =>
    sim.record.events({ accountId: s.accountId, venue: s.venue });
  try {
    for (const s of plan.streams) {
      const config: ChildConfig = {
        name: s.name,
        venue: exchange.venue(s.venue),
        // Signatures made in a child are found in the REST tap (query strings); a signer cannot cross processes.
        credentials: exchange.credentials({ ...s, signing: 'key' }),
        ...(s.symbol ? { symbol: s.symbol } : {}),
        speed: plan.speed,
        clockAt: exchange.clock.now(),
        realAt: Date.now(),
        stream: CHAOS_STREAM_OPTIONS as unknown as Record<string, unknown>,
        lease: CHAOS_LEASE_OPTIONS as unknown as Record<string, unknown>,
        ...(options.unref ? { unref: true } : {}),
      };
      const child = spawn(process.execPath, [script, JSON.stringify(config)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const state: ChildState = {
        plan: s,
        child,
        observer: new StreamObserver(`${s.name} (child)`),
        ready: false,
        closedLine: false,
        exit: undefined,
        mirror: undefined,
        output: [],
        closeSentAt: undefined,
      };
      let buffer = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const text = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          state.output.push(text);
          let msg: {
            t?: string;
            event?: Record<string, unknown>;
            info?: { reason?: string; lastEventTime?: number };
          } & Record<string, unknown>;
          try {
            msg = JSON.parse(text);
          } catch {
            continue;
          }
          if (msg.t === 'event' && msg.event) state.observer.event(msg.event);
          else if (msg.t === 'gap' && msg.info) state.observer.gap(msg.info);
          else if (msg.t === 'ready') state.ready = true;
          else if (msg.t === 'closed') state.closedLine = true;
          else if (msg.t === 'mirror') state.mirror = msg as unknown as ChildState['mirror'];
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => state.output.push(`stderr ${chunk.toString('utf8')}`));
      child.on('exit', (code, signal) => {
        state.exit = { code, signal, afterClose: state.closeSentAt !== undefined, at: Date.now() };
      });
      children.push(state);
    }
    await waitFor(() => children.every((c) => c.ready || c.exit), 30_000);
    for (const c of children) {
      if (!c.ready) {
        throw new Error(
          `${c.plan.name}: the child did not open (${c.exit ? `exited ${c.exit.code}` : 'timeout'}): ${c.output.slice(-5).join(' | ')}`,
        );
      }
    }
    sim.record.clear();
    for (const c of children) c.observer.reset();

    const driver = new ChaosDriver(sim, plan, capture);
    await driver.run();
    for (const a of driver.applied) {
      if (a.error) refusedFaults.push(`#${a.step.id} ${JSON.stringify(a.step.spec)}: ${a.error}`);
    }
    // The guarantee of issue 16 item 1: a stream that was not closed kept its process alive.
    for (const c of children) {
      if (c.exit)
        violations.push(
          `${c.plan.name}: the listen-only process exited (code ${c.exit.code}, signal ${c.exit.signal}) while its stream was open`,
        );
    }

    const mirrorDiff = (c: ChildState): string[] => {
      if (!c.mirror) return ['no mirror report'];
      if (c.mirror.phase !== 'live') return [`mirror is ${c.mirror.phase}`];
      const exchangeSide = exchangeView(sim, c.plan);
      if (!exchangeSide) return [];
      return differences(mirrorView(c.mirror, c.plan), exchangeSide);
    };
    const settled = () => {
      for (const c of children) if (!c.exit) c.child.kill('SIGUSR1');
      // A child that exited is already a violation; nothing more to wait for from it.
      return children.every(
        (c) =>
          c.exit !== undefined ||
          (c.mirror?.state === 'open' &&
            mirrorDiff(c).length === 0 &&
            checkDelivery(c.observer, sentOf(c.plan)).lost.length === 0),
      );
    };
    const settleStarted = Date.now();
    await waitFor(settled, 12_000, 100);
    figures.settleMs = Date.now() - settleStarted;
    await sleep(200);
    for (const c of children) {
      if (c.exit) continue;
      c.child.kill('SIGUSR1');
    }
    await sleep(150);
    figures.streams = children.map((c) => {
      const result = checkDelivery(c.observer, sentOf(c.plan));
      violations.push(...result.violations);
      const diff = mirrorDiff(c);
      if (!c.exit && diff.length > 0) {
        violations.push(
          `${c.plan.name}: mirror differs from the exchange: ${diff.slice(0, 6).join('; ')}${explainOrders(diff, c.observer, sentOf(c.plan))}`,
        );
      }
      if (!c.exit && c.mirror?.state !== 'open')
        violations.push(`${c.plan.name}: stream ${c.mirror?.state} after the faults stopped`);
      return {
        name: c.observer.name,
        sent: sentOf(c.plan).length,
        delivered: c.observer.keys.length,
        matched: result.matched,
        gaps: c.observer.gaps,
        lostInGaps: result.lostInGaps,
      };
    });
    figures.trades = driver.trades;
    figures.faults = driver.applied.length;
  } catch (error) {
    violations.push(
      `run failed: ${String((error as Error)?.stack ?? error)
        .split('\n')
        .slice(0, 4)
        .join(' | ')}`,
    );
  } finally {
    // close(): each child must then exit by itself, with code 0.
    for (const c of children) {
      if (c.exit) continue;
      c.closeSentAt = Date.now();
      c.child.kill('SIGUSR2');
    }
    // close() may wait for a request in flight (an unanswered keepalive) up to the REST timeout
    // (10 s by default): exiting by itself after that still keeps the guarantee.
    await waitFor(() => children.every((c) => c.exit), CHILD_EXIT_MS);
    figures.exitMs = children.map((c) => (c.exit && c.closeSentAt ? c.exit.at - c.closeSentAt : null));
    for (const c of children) {
      if (!c.exit) {
        const lingering = c.output
          .filter((l) => l.includes('"lingering"') || l.includes('"closed"'))
          .join(' | ');
        violations.push(
          `${c.plan.name}: the process did not exit by itself within ${CHILD_EXIT_MS / 1000} s of close(): ${lingering.slice(0, 400)}`,
        );
        c.child.kill('SIGKILL');
      } else if (c.exit.afterClose && c.exit.code !== 0) {
        violations.push(
          `${c.plan.name}: exited with code ${c.exit.code} after close(): ${c.output.slice(-3).join(' | ').slice(0, 400)}`,
        );
      }
    }
    await waitFor(() => children.every((c) => c.exit), 2_000);
    await exchange.close();
    capture.stop();
  }
  // What the libraries said in the children (not the events the harness printed: they are the user's data).
  const said = /^\{"t":"(diag|log|error|fatal|unprintable)"|^stderr /;
  const lines = [...capture.lines, ...children.flatMap((c) => c.output.filter((l) => said.test(l)))];
  violations.push(...canaries.find(lines));
  if (violations.length > 0) {
    figures.artifacts = writeArtifacts(plan.seed, {
      'parent.log': capture.lines.join('\n'),
      ...Object.fromEntries(children.map((c) => [`${c.plan.name}.child.log`, c.output.join('\n')])),
      ...Object.fromEntries(
        children.map((c) => [`${c.plan.name}.timeline`, timelineOf(c.observer, sentOf(c.plan))]),
      ),
    });
  }
  figures.canaries = canaries.kinds();
  figures.outputLines = lines.length;
  return { seed: plan.seed, kind: plan.kind, violations, figures, refusedFaults };
}
