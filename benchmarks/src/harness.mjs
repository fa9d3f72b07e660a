// Runs one measurement: a fresh simulator process, a fresh client process, the load, the figures.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PATHS } from './paths.mjs';
import { compareDelivery } from './stats.mjs';

/** Extra Node flags for client processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (profiling). */
const CLIENT_EXEC_ARGV = (process.env.BENCH_CLIENT_EXEC_ARGV ?? '').split(' ').filter(Boolean);

/**
 * Load shapes of a throughput run. `burst`: matching steps (a taker order filling against 4
 * makers: spot 4 `executionReport` + `outboundAccountPosition`, USD-M 4 × (`TRADE_LITE` +
 * `ORDER_TRADE_UPDATE`) + `ACCOUNT_UPDATE`), one `E` per step and many steps per millisecond, 64
 * frames per socket write. `flat`: one order update per event, one frame per write.
 */
export const PROFILES = {
  burst: { fills: 4, framesPerWrite: 64 },
  flat: { fills: 0 },
};

/** A burst's client that counted nothing new for this long after the last frame was written is done. */
const STALL_CHECK_MS = 2000;

/** An event counts as generated after a fault when its `E` is at least this far past it. */
const FAULT_E_MARGIN_MS = 20;

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** A forked child that answers `{cmd, id}` requests and emits typed messages. */
function child(file, args, { execArgv = [], silent = true } = {}) {
  const proc = fork(here(file), args, {
    execArgv,
    stdio: silent ? ['ignore', 'pipe', 'pipe', 'ipc'] : 'inherit',
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  proc.stdout?.resume(); // rivals may log; never block on a full pipe
  let nextId = 1;
  const waiters = new Set();
  proc.on('message', (msg) => {
    for (const w of [...waiters]) if (w.match(msg)) w.resolve(msg);
  });
  const exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  const until = (match, timeoutMs, what) =>
    new Promise((resolve, reject) => {
      const w = {
        match,
        resolve: (msg) => {
          waiters.delete(w);
          clearTimeout(timer);
          resolve(msg);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(
          new Error(
            `${file}: timed out after ${timeoutMs} ms waiting for ${what}${stderr ? `\n${stderr}` : ''}`,
          ),
        );
      }, timeoutMs);
      waiters.add(w);
      exited.then((code) => {
        if (waiters.has(w)) {
          waiters.delete(w);
          clearTimeout(timer);
          reject(
            new Error(`${file} exited (${code}) while waiting for ${what}${stderr ? `\n${stderr}` : ''}`),
          );
        }
      });
    });
  return {
    proc,
    exited,
    get stderr() {
      return stderr;
    },
    until,
    request(cmd, body = {}, timeoutMs = 60_000) {
      const id = nextId++;
      const reply = until((m) => m.id === id, timeoutMs, cmd);
      proc.send({ cmd, id, ...body });
      return reply.then((m) => {
        if (!m.ok) throw new Error(`${file} ${cmd}: ${m.error}`);
        return m;
      });
    },
    send(msg) {
      if (proc.connected) proc.send(msg);
    },
    kill() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/** Starts a simulator and a client on it; `fn(sim, client, info)` does the measuring. */
async function withPair({ client, path, recordEvents = false, options, capacity }, fn) {
  const sim = child('./sim-child.mjs', [JSON.stringify({ recordEvents })]);
  let cli;
  try {
    const ready = await sim.until((m) => m.type === 'ready', 30_000, 'simulator ready');
    cli = child(
      './client-child.mjs',
      [JSON.stringify({ client, path, urls: ready.urls, account: ready.account, options, capacity })],
      { execArgv: ['--expose-gc', ...CLIENT_EXEC_ARGV] },
    );
    const opened = await cli.until((m) => m.type === 'open' || m.type === 'failed', 60_000, 'client open');
    if (opened.type === 'failed') throw new Error(`client ${client} failed to open ${path}: ${opened.error}`);
    const { count } = await sim.request('waitSubscribed', { n: 1 });
    if (count < 1) throw new Error(`client ${client} never subscribed on ${path}`);
    return await fn(sim, cli);
  } finally {
    cli?.send({ cmd: 'close' });
    sim.send({ cmd: 'close', id: 0 });
    const timeout = (p) => Promise.race([p, new Promise((r) => setTimeout(r, 5000))]);
    await Promise.all([cli ? timeout(cli.exited) : undefined, timeout(sim.exited)]);
    cli?.kill();
    sim.kill();
  }
}

/**
 * Throughput: the simulator pushes `count` events as fast as the socket drains; the client
 * counts them. Events/s from the client's first to its last event; CPU of the client process
 * from just before the burst to the last event.
 */
export async function measureBurst({ client, path, count, profile = 'burst', timeoutMs = 120_000, options }) {
  const shape = PROFILES[profile];
  if (!shape) throw new Error(`unknown profile '${profile}'; known: ${Object.keys(PROFILES).join(', ')}`);
  return withPair({ client, path, options, capacity: count * 2, recordEvents: true }, async (sim, cli) => {
    // Warm-up: a small burst first, so the figure is the JIT-compiled steady state.
    const warm = Math.min(5000, Math.ceil(count / 10));
    const warmArmed = cli.until((m) => m.type === 'armed', 10_000, 'armed');
    cli.send({ cmd: 'go', expected: warm });
    await warmArmed;
    // A client that cannot take 5,000 events in 30 s fails here, not after the full timeout.
    const warmDone = cli.until((m) => m.type === 'done', Math.min(timeoutMs, 30_000), 'warm-up events');
    await sim.request('burst', { venue: PATHS[path].venue, count: warm, ...shape }, timeoutMs);
    await warmDone;
    await new Promise((r) => setTimeout(r, 200));
    const armed = cli.until((m) => m.type === 'armed', 10_000, 'armed');
    cli.send({ cmd: 'go', expected: count });
    await armed;
    let finished = false;
    const done = cli
      .until((m) => m.type === 'done', timeoutMs, 'all events')
      .catch(() => undefined)
      .finally(() => {
        finished = true;
      });
    const burst = await sim.request(
      'burst',
      { venue: PATHS[path].venue, count, ...shape, withEs: true },
      timeoutMs,
    );
    // Everything is written; a client still short of the count gets until it stops progressing.
    let last = -1;
    while (!finished) {
      await Promise.race([done, new Promise((r) => setTimeout(r, STALL_CHECK_MS))]);
      if (finished) break;
      const progress = cli.until((m) => m.type === 'progress', 10_000, 'progress');
      cli.send({ cmd: 'progress' });
      const { count: seen } = await progress;
      if (seen === last) break;
      last = seen;
    }
    let result = finished ? await done : undefined;
    // What reached user code, against what was sent (after the measured span: not counted in it).
    const report = cli.until((m) => m.type === 'report', 10_000, 'report');
    cli.send({ cmd: 'report', events: true });
    const seen = await report;
    result ??= seen;
    const delivery = compareDelivery(burst.Es ?? [], seen.events ?? []);
    const spanMs = result.lastAt - result.firstAt;
    return {
      client,
      path,
      profile,
      expected: count,
      count: result.count,
      lost: delivery.lost,
      duplicated: delivery.duplicated,
      complete: result.count === count && delivery.lost === 0 && delivery.duplicated === 0,
      eventsPerSec: spanMs > 0 ? ((result.count - 1) * 1000) / spanMs : undefined,
      cpuMsPer1k: (result.cpuMs * 1000) / Math.max(1, result.count),
      maxRssMiB: result.maxRssBytes / 2 ** 20,
      simMs: burst.durationMs,
      markers: result.markers,
    };
  });
}

/** Paced: latency from `E` to the callback and CPU, under a steady load every client follows. */
export async function measureLatency({ client, path, ratePerSec, durationMs, warmMs = 0, options }) {
  return withPair({ client, path, options }, async (sim, cli) => {
    // Warm-up: the same load first, unmeasured, so the figure is the JIT-compiled steady state of a
    // long-lived stream (as the burst's warm-up burst does); a short cold run mostly measures
    // the compiler, which has more of our code to compile than of bare's one handler.
    if (warmMs > 0) {
      const warmArmed = cli.until((m) => m.type === 'armed', 10_000, 'armed');
      cli.send({ cmd: 'go' });
      await warmArmed;
      await sim.request('steady', { venue: PATHS[path].venue, ratePerSec, durationMs: warmMs });
      await new Promise((r) => setTimeout(r, 200));
    }
    const armed = cli.until((m) => m.type === 'armed', 10_000, 'armed');
    cli.send({ cmd: 'go' });
    await armed;
    const { sent } = await sim.request('steady', { venue: PATHS[path].venue, ratePerSec, durationMs });
    await new Promise((r) => setTimeout(r, 300));
    const report = cli.until((m) => m.type === 'report', 10_000, 'report');
    cli.send({ cmd: 'report' });
    const r = await report;
    return {
      client,
      path,
      sent,
      count: r.count,
      p50: r.latencyP50,
      p99: r.latencyP99,
      // CPU of the client process over the whole paced run (idle time included, as a bot's would be).
      cpuMsPer1k: (r.cpuMs * 1000) / Math.max(1, r.count),
      maxRssMiB: r.maxRssBytes / 2 ** 20,
    };
  });
}

/**
 * A fault in the middle of a steady load: lost and duplicated events (against what the
 * simulator sent), and the time from the fault to the first event generated after it.
 */
export async function measureFault({ client, path, fault, ratePerSec, beforeMs, afterMs, stallMs, options }) {
  return withPair({ client, path, options, recordEvents: true }, async (sim, cli) => {
    const armed = cli.until((m) => m.type === 'armed', 10_000, 'armed');
    cli.send({ cmd: 'go' });
    await armed;
    const run = await sim.request(
      'faultRun',
      { venue: PATHS[path].venue, fault, ratePerSec, beforeMs, afterMs, stallMs },
      beforeMs + afterMs + 30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    const report = cli.until((m) => m.type === 'report', 10_000, 'report');
    cli.send({ cmd: 'report', events: true });
    const r = await report;
    const delivery = compareDelivery(run.sent, r.events);
    // "Generated after the fault": E at least one load tick past it (steady load stamps a tick's
    // events E, E+1, …, so E can run a few ms ahead of the clock). Only load events count:
    // lifecycle events such as listenKeyExpired are not what the user waits for.
    const sent = new Set(run.sent);
    const after = run.faultAt + FAULT_E_MARGIN_MS;
    let recoveryMs;
    for (let i = 0; i < r.events.length; i++) {
      if (r.events[i] >= after && sent.has(r.events[i])) {
        recoveryMs = r.receivedAt[i] - run.faultAt;
        break;
      }
    }
    return { client, path, fault, ...delivery, recoveryMs, markers: r.markers, affected: run.affected };
  });
}
