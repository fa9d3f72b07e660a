// The simulator for bench/keepalive.mjs, in its own process so its CPU is not the client's.
// Started with fork(); reports its URLs over IPC and stops on 'close'.
import { startSimulator } from '@userstream/simulator';

const account = {
  id: 'bench',
  keyType: 'hmac',
  apiKey: 'benchKey'.padEnd(64, 'K'),
  secret: 'benchSecret'.padEnd(64, 'S'),
};
const sim = await startSimulator({ accounts: [account], recordEvents: false });
// The benchmark measures the client, not the venue's weight limit (1200/min on BHEX): lift the
// per-minute count every 5 ms, for both contenders alike.
const reset = setInterval(() => sim.faults.clear(), 5);
process.send({ type: 'ready', urls: sim.urls, account });
process.on('message', async (msg) => {
  if (msg.type === 'count') {
    process.send({ type: 'count', puts: sim.record.requestCount('PUT', '/openapi/v1/userDataStream') });
  } else if (msg.type === 'close') {
    clearInterval(reset);
    await sim.close();
    process.exit(0);
  }
});
