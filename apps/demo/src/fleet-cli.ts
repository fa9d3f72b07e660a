import { UserstreamError } from '@userstream/core';
import type { DemoConfig, FleetConfig } from './config.js';
import { formatDuration } from './dashboard.js';
import { checkRedis, FleetDemo } from './fleet.js';
import { FleetDashboard } from './fleet-dashboard.js';
import { fleetOpsView } from './ops-summary.js';
import { EXIT, finishRun, oneLine, openSession, type SessionIo } from './session.js';

/** The subset of the CLI's io fleet mode uses. */
export type FleetCliIo = SessionIo;

/**
 * `--fleet <redis-url>`: checks Redis first (unreachable: one line, exit 2), then runs the fleet
 * with the dashboard, plain event lines, or (`--duration --json`) one JSON summary; exit 0 only
 * when nothing was duplicated in Redis, no loss went unannounced, every mirror matched and every
 * killed worker's streams were taken over.
 */
export async function runFleetCli(config: DemoConfig, fleet: FleetConfig, io: FleetCliIo): Promise<number> {
  try {
    await checkRedis(fleet.redisUrl);
  } catch (error) {
    io.stderr.write(`${oneLine(error)}\n`);
    return EXIT.config;
  }
  let demo: FleetDemo | undefined;
  const session = await openSession({
    config,
    io,
    gauges: () => [],
    health: () => demo?.health(),
    fleet: () => (demo ? fleetOpsView(demo) : undefined),
    whoWidth: 5,
    start: { mode: 'fleet', workers: fleet.workers, accounts: fleet.accounts },
  });
  if (typeof session === 'number') return session;
  const { logger, cleanup } = session;

  try {
    demo = await FleetDemo.start({ config, fleet, logger, onNote: (n) => session.printNote(n) });
  } catch (error) {
    logger.error({ code: (error as { code?: unknown }).code }, oneLine(error));
    await cleanup();
    const isConfig = UserstreamError.isInstance(error);
    io.stderr.write(
      `userstream demo: could not start the fleet: ${oneLine(error).replace(/^userstream demo: /, '')}\n`,
    );
    return isConfig ? EXIT.config : EXIT.failed;
  }
  const running = demo;

  const why = await session.waitForQuit(
    (quit) =>
      new FleetDashboard({
        demo: running,
        out: io.stdout,
        in: io.stdin,
        opsUrl: session.ops.url,
        onQuit: quit,
      }),
    `userstream demo: fleet of ${fleet.workers} worker(s) over ${fleet.accounts} account(s); ${config.durationMs === undefined ? 'Ctrl-C to stop' : `running for ${formatDuration(config.durationMs)}`}`,
  );
  const code = await finishRun(running, config.json, (summary) => summary.ok, io);
  await cleanup();
  if (!config.json) {
    io.stderr.write(
      `userstream demo: stopped (${why}); workers released their streams, Redis keys deleted\n`,
    );
  }
  return code;
}
