/**
 * One fleet worker in its own process, for the kill -9 test. Config comes as JSON in argv[2];
 * prints one JSON line per state change on stdout ({"ready":true}, {"acquired":"acct-1"}, …).
 */
import { createScaledClock, type VenueProfile } from '@userstream/core';
import { Redis } from 'ioredis';
import { createFleetWorker } from '../src/index.js';

interface Config {
  redisPort: number;
  workerId: string;
  speed: number;
  /** The parent's clock reading and the real time it was read at. */
  clockAt: number;
  realAt: number;
  venue: VenueProfile;
  accounts: { id: string; apiKey: string; secret: string }[];
  renewIntervalMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const clock = createScaledClock({
  speed: config.speed,
  start: config.clockAt + (Date.now() - config.realAt) * config.speed,
});
const redis = new Redis({ port: config.redisPort, host: '127.0.0.1', maxRetriesPerRequest: 1 });
redis.on('error', () => {});
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const worker = createFleetWorker({
  redis,
  workerId: config.workerId,
  accounts: config.accounts.map((a) => ({
    id: a.id,
    venue: config.venue,
    credentials: { apiKey: a.apiKey, secret: a.secret },
  })),
  clock,
  lease: { renewIntervalMs: config.renewIntervalMs, validityMs: 60_000 },
});
worker.on('acquired', ({ account }) => say({ acquired: account }));
worker.on('released', ({ account }) => say({ released: account }));
await worker.start();
say({ ready: true });
