// Scale: N concurrent idle streams (memory per stream) and keepalive's 10,000-lease benchmark.
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
export const IDLE_CLIENTS = ['bare', 'userstream', 'userstream-keepalive'];
export const LEASE_SPEED = 120;
export const LEASE_CYCLES = 2;

function once(proc, type, timeoutMs) {
  const match = typeof type === 'function' ? type : (msg) => msg.type === type;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
    const on = (msg) => {
      if (match(msg)) {
        clearTimeout(timer);
        proc.off('message', on);
        resolve(msg);
      }
    };
    proc.on('message', on);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${type}`));
    });
  });
}

/** `streams` idle listenKey streams of one client, each on its own account and key. */
export async function measureIdle({ client, streams }) {
  const sim = fork(here('./sim-child.mjs'), [JSON.stringify({ accounts: streams })], { stdio: 'inherit' });
  let idle;
  try {
    const ready = await once(sim, 'ready', 60_000);
    idle = fork(here('./idle-child.mjs'), [JSON.stringify({ client, urls: ready.urls, streams })], {
      execArgv: ['--expose-gc'],
      stdio: 'inherit',
    });
    const result = await once(idle, 'result', 180_000);
    sim.send({ cmd: 'waitSubscribed', id: 1, n: streams, timeoutMs: 1000 });
    const seen = await once(sim, (m) => m.id === 1, 5000).catch(() => undefined);
    return { client, ...result, simSubscribers: seen?.count };
  } finally {
    idle?.send({ cmd: 'close' });
    await new Promise((r) => setTimeout(r, 500));
    idle?.kill();
    sim.send({ cmd: 'close', id: 2 });
    await new Promise((r) => setTimeout(r, 300));
    sim.kill();
  }
}

/** keepalive's own lease benchmark (packages/keepalive/bench/leases.mjs), its output kept verbatim. */
export function runLeases({ leases = 10_000 } = {}) {
  const cwd = fileURLToPath(new URL('../../packages/keepalive/', import.meta.url));
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', 'bench/leases.mjs'], {
      cwd,
      // SPEED 30 rather than the script's default 360: @userstream/rest runs its request timeouts on
      // the clock it is given, so at 360 a 10 s timeout is 28 ms of real time and creates time out.
      env: {
        ...process.env,
        LEASES: String(leases),
        SPEED: String(LEASE_SPEED),
        CYCLES: String(LEASE_CYCLES),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    proc.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 600_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.trim().split('\n'));
      else reject(new Error(`leases.mjs exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

export async function runScale({ clients, print, streams = 1000, leases = 10_000 }) {
  const idle = [];
  for (const client of IDLE_CLIENTS.filter((c) => clients.includes(c))) {
    print(`\nscale: ${streams} idle streams, ${client}`);
    try {
      const r = await measureIdle({ client, streams });
      print(
        `  ${r.streams} streams open in ${Math.round(r.openMs)} ms; heap ${Math.round(r.heapPerStream)} B/stream, ` +
          `rss ${Math.round(r.rssPerStream)} B/stream, idle CPU ${r.idleCpuMsPerSec.toFixed(2)} ms/s`,
      );
      idle.push(r);
    } catch (error) {
      print(`  ! ${client}: ${error.message}`);
      idle.push({ client, error: error.message });
    }
  }
  print(`\nscale: ${leases} listenKey leases (packages/keepalive/bench/leases.mjs)`);
  let leaseLines;
  try {
    leaseLines = await runLeases({ leases });
    for (const line of leaseLines) print(`  ${line}`);
  } catch (error) {
    print(`  ! leases: ${error.message}`);
    leaseLines = [`failed: ${error.message.split('\n')[0]}`];
  }
  return { streams, idle, leases, leaseLines, leaseSpeed: LEASE_SPEED, leaseCycles: LEASE_CYCLES };
}
