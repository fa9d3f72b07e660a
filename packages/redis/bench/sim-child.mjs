// The simulator for bench/fleet.mjs, in its own process so the exchange's CPU is not mixed with
// the fleet's. Started with fork(); talks over IPC.
import { startSimulator } from '@userstream/simulator';

const { n, venues } = JSON.parse(process.argv[2]);
const accounts = Array.from({ length: n }, (_, i) => ({
  id: `a${i}`,
  keyType: 'hmac',
  apiKey: `fleetKey${String(i).padStart(12, '0')}`.padEnd(64, 'K'),
  secret: `fleetSecret${String(i).padStart(12, '0')}`.padEnd(64, 'S'),
}));
const sim = await startSimulator({ accounts, recordEvents: false });
process.send({
  type: 'ready',
  accounts: accounts.map(({ id, apiKey, secret }) => ({ id, apiKey, secret })),
  venues: Object.fromEntries(venues.map((v) => [v, sim.venue(v)])),
});

process.on('message', async (msg) => {
  if (msg.type === 'burst') {
    const started = performance.now();
    const results = await Promise.all(
      msg.targets.map(({ accountId, venue }) => sim.load.burst({ accountId, venue, count: msg.count })),
    );
    process.send({
      type: 'burst',
      sent: results.reduce((s, r) => s + r.sent, 0),
      ms: performance.now() - started,
    });
  } else if (msg.type === 'close') {
    await sim.close();
    process.exit(0);
  }
});
