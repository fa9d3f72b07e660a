// One fleet worker in its own process for the benchmarks (see startWorkerChild in setup.mjs):
// started and asked over IPC, killed with SIGKILL to measure a takeover after a crash.
import { Redis } from 'ioredis';
import { createFleetWorker } from '../dist/index.js';

let worker;
let timer;
process.on('message', async (m) => {
  if (m.type === 'start') {
    const redis = new Redis({ port: m.port, host: '127.0.0.1' });
    redis.on('error', () => {});
    worker = createFleetWorker({ ...m.options, redis, workerId: m.workerId, accounts: m.accounts });
    worker.on('warning', () => {}); // counted by the parent's own workers; a child's are not needed
    await worker.start();
    // The parent reads the counts from here (a kill must not wait for an answer).
    timer = setInterval(() => process.send({ type: 'stats', stats: worker.stats }), 100);
  } else if (m.type === 'owned') {
    process.send({ type: 'owned', owned: worker?.owned() ?? [] });
  } else if (m.type === 'close') {
    clearInterval(timer);
    await worker?.close();
    process.exit(0);
  }
});
