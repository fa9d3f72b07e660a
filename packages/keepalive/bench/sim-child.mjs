// The simulator for bench/leases.mjs, in its own process so the CPU figures of the lease side
// are not mixed with the exchange's. Started by leases.mjs with fork(); talks over IPC.
import { createScaledClock } from '@userstream/core';
import { startSimulator } from '@userstream/simulator';

const { n, speed, start, realAt } = JSON.parse(process.argv[2]);
// Align with the parent's scaled clock: both map real time to the same protocol time.
const clock = createScaledClock({ speed, start: start + (Date.now() - realAt) * speed });
const accounts = Array.from({ length: n }, (_, i) => ({
  id: `a${i}`,
  keyType: 'hmac',
  apiKey: `benchKey${String(i).padStart(12, '0')}`.padEnd(64, 'K'),
  secret: `benchSecret${String(i).padStart(12, '0')}`.padEnd(64, 'S'),
}));
const sim = await startSimulator({
  clock,
  accounts,
  recordEvents: false,
  pingIntervalMs: 3_600_000,
  pongTimeoutMs: 7_200_000,
});
const cpu0 = process.cpuUsage();
process.send({ type: 'ready', urls: sim.urls });

process.on('message', async (msg) => {
  if (msg.type === 'report') {
    // For every key: were its keepalives (PUTs) on time?
    const { keys, intervalMs, toleranceMs, endAt } = msg;
    let puts = 0;
    let onTime = 0;
    let lateKeys = 0;
    let maxGap = 0;
    let minGap = Number.POSITIVE_INFINITY;
    let lateRenewals = 0;
    for (const [key, createdAt] of keys) {
      const times = sim.record.keepalives(key);
      puts += times.length;
      let ok = times.length > 0 && times[0] - createdAt <= intervalMs + toleranceMs;
      let previous = createdAt;
      for (const t of times) {
        const gap = t - previous;
        if (previous !== createdAt) {
          maxGap = Math.max(maxGap, gap);
          minGap = Math.min(minGap, gap);
        }
        if (gap > intervalMs + toleranceMs) {
          ok = false;
          lateRenewals++;
        } else {
          onTime++;
        }
        previous = t;
      }
      if (endAt - previous > intervalMs + toleranceMs) ok = false;
      if (!ok) lateKeys++;
    }
    const cpu = process.cpuUsage(cpu0);
    process.send({
      type: 'report',
      puts,
      onTime,
      lateRenewals,
      lateKeys,
      maxGap,
      minGap,
      activeKeys: countActive(keys),
      cpu,
    });
  } else if (msg.type === 'close') {
    await sim.close();
    process.exit(0);
  }
});

function countActive(keys) {
  // A key the simulator still has answers a keepalive; count via the record's request totals instead
  // of probing: the parent already knows which keys it holds. Report how many distinct keys saw a PUT.
  let n = 0;
  for (const [key] of keys) if (sim.record.keepalives(key).length > 0) n++;
  return n;
}
