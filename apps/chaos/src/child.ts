/**
 * A listen-only process, as a user writes one: it opens one user data stream (and its mirror)
 * against an exchange in ANOTHER process and does nothing else. Nothing here may keep the process
 * alive but the stream itself: output goes to stdout (synchronous on pipes), commands come as
 * signals (SIGUSR1: print the mirror; SIGUSR2: close), whose handlers hold no event loop.
 * After `close()` the process must exit by itself.
 */
import { subscribe } from 'node:diagnostics_channel';
import { createScaledClock, type KeyMaterial, type VenueProfile } from '@userstream/core';
import { AccountMirror, openUserDataStream } from '@userstream/keepalive';
import { ALL_CHANNELS, renderError } from './capture.js';

export interface ChildConfig {
  name: string;
  venue: VenueProfile;
  credentials: { apiKey: string } & KeyMaterial;
  symbol?: string;
  speed: number;
  /** The parent's clock read `clockAt` when the real time was `realAt` (epoch ms): both clocks agree. */
  clockAt: number;
  realAt: number;
  stream: Record<string, unknown>;
  lease: Record<string, unknown>;
  /** The harness's self-test: opt out of keeping the process alive (the process must then exit early). */
  unref?: boolean;
}

function line(value: unknown): void {
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v) => (v instanceof Error ? renderError(v) : v));
  } catch (error) {
    text = JSON.stringify({ t: 'unprintable', error: String(error) });
  }
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  for (const name of ALL_CHANNELS) subscribe(name, (message) => line({ t: 'diag', name, message }));
  const log = (level: string) => (obj: unknown, msg?: string) => line({ t: 'log', level, obj, msg });
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const clock = createScaledClock({
    speed: config.speed,
    start: config.clockAt + (Date.now() - config.realAt) * config.speed,
  });
  const handle = await openUserDataStream({
    venue: config.venue,
    credentials: config.credentials,
    ...(config.symbol ? { symbol: config.symbol } : {}),
    clock,
    logger,
    rest: { recvWindow: 60_000 },
    stream: config.stream,
    lease: config.lease,
    signal: AbortSignal.timeout(20_000),
  });
  if (config.unref) (handle as unknown as { unref?: () => void }).unref?.();
  handle.on('event', (event) => line({ t: 'event', event }));
  handle.on('gap', (info) => line({ t: 'gap', info }));
  handle.on('error', (error) => line({ t: 'error', error: renderError(error) }));
  handle.on('reconnecting', (info) => line({ t: 'reconnecting', info }));
  const mirror = new AccountMirror({
    stream: handle,
    rest: handle.rest,
    clock,
    logger,
    retry: { baseDelayMs: 500, maxDelayMs: 5_000 },
    ...(config.symbol ? { symbol: config.symbol } : {}),
  });
  mirror.on('error', (error) => line({ t: 'error', error: renderError(error) }));
  await mirror.ready();
  line({ t: 'ready' });
  process.on('SIGUSR1', () => {
    line({
      t: 'mirror',
      phase: mirror.phase,
      state: handle.state,
      balances: mirror.balances,
      openOrders: mirror.openOrders,
      margin: mirror.book('MARGIN'),
    });
  });
  process.on('SIGUSR2', () => {
    mirror.close();
    handle.close().then(
      () => {
        line({ t: 'closed', resources: process.getActiveResourcesInfo() });
        process.removeAllListeners('SIGUSR1');
        process.removeAllListeners('SIGUSR2');
        // If something is left, say what (this timer does not hold the process itself).
        setTimeout(
          () => line({ t: 'lingering', resources: process.getActiveResourcesInfo() }),
          1_500,
        ).unref();
      },
      (error: unknown) => line({ t: 'error', error: renderError(error) }),
    );
  });
}

main().catch((error: unknown) => {
  line({ t: 'fatal', error: renderError(error) });
  process.exitCode = 2;
});
