import { UserstreamError } from '@userstream/core';
import type { Note } from './bot.js';
import { DEFAULT_LOG_FILE, type DemoConfig, type FleetConfig } from './config.js';
import { formatDuration } from './dashboard.js';
import { checkRedis, FleetDemo } from './fleet.js';
import { FleetDashboard } from './fleet-dashboard.js';
import { createLogger, type Logger } from './logger.js';
import { DemoMetrics } from './metrics.js';
import { type OpsServer, startOpsServer } from './ops-server.js';

/** The subset of the CLI's io fleet mode uses. */
export interface FleetCliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

const EXIT = { ok: 0, failed: 1, config: 2 } as const;

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim();
}

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
  const useDashboard = config.dashboard && io.stdout.isTTY === true;
  const logFile = config.logFile ?? (useDashboard ? DEFAULT_LOG_FILE : undefined);
  let logger: Logger;
  try {
    logger = createLogger({ level: config.logLevel, file: logFile });
  } catch (error) {
    io.stderr.write(`userstream demo: cannot open the log file (${oneLine(error)}); pass --log-file\n`);
    return EXIT.config;
  }
  let demo: FleetDemo | undefined;
  const metrics = new DemoMetrics(() => []);
  let ops: OpsServer;
  try {
    ops = await startOpsServer({
      host: config.host,
      port: config.port,
      metrics,
      health: () => demo?.health() ?? { ok: false, status: 'starting', streams: [] },
    });
  } catch (error) {
    metrics.close();
    io.stderr.write(
      `userstream demo: cannot listen on ${config.host}:${config.port} (${oneLine(error)}); pass another --port\n`,
    );
    return EXIT.config;
  }
  io.stderr.write(`userstream demo: /healthz and /metrics on ${ops.url}\n`);
  if (logFile) io.stderr.write(`userstream demo: logs in ${logFile}\n`);
  logger.info(
    { ops: ops.url, mode: 'fleet', workers: fleet.workers, accounts: fleet.accounts },
    'userstream demo starting',
  );

  let stdoutOpen = true;
  let onStdoutClosed: (() => void) | undefined;
  const onStdoutError = () => {
    stdoutOpen = false;
    onStdoutClosed?.();
  };
  io.stdout.on('error', onStdoutError);
  const printNote = (n: Note) => {
    if (useDashboard || config.json || !stdoutOpen) return;
    const time = new Date(n.at).toISOString().slice(11, 23);
    io.stdout.write(`${time} ${(n.stream ?? '·').padEnd(5)} ${n.text}\n`);
  };
  const cleanup = async () => {
    await ops.close();
    metrics.close();
    logger.flush?.();
  };

  try {
    demo = await FleetDemo.start({ config, fleet, logger, onNote: printNote });
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

  let quit!: (why: string) => void;
  const quitting = new Promise<string>((resolve) => {
    quit = resolve;
  });
  onStdoutClosed = () => quit('stdout closed');
  if (!stdoutOpen) quit('stdout closed');
  const onSignal = (signal: NodeJS.Signals) => quit(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer =
    config.durationMs === undefined ? undefined : setTimeout(() => quit('duration'), config.durationMs);
  let dashboard: FleetDashboard | undefined;
  if (useDashboard) {
    dashboard = new FleetDashboard({
      demo: running,
      out: io.stdout,
      in: io.stdin,
      opsUrl: ops.url,
      onQuit: () => quit('key'),
    });
    dashboard.start();
  } else if (!config.json) {
    io.stdout.write(
      `userstream demo: fleet of ${fleet.workers} worker(s) over ${fleet.accounts} account(s); ${config.durationMs === undefined ? 'Ctrl-C to stop' : `running for ${formatDuration(config.durationMs)}`}\n`,
    );
  }

  const why = await quitting;
  if (timer) clearTimeout(timer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  dashboard?.stop();
  logger.info({ why }, 'userstream demo stopping');
  let code: number = EXIT.ok;
  try {
    if (config.json) {
      const summary = await running.finish();
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      if (!summary.ok) code = EXIT.failed;
    }
    await running.stop();
  } catch (error) {
    io.stderr.write(`userstream demo: shutdown failed: ${oneLine(error)}\n`);
    code = EXIT.failed;
  }
  await cleanup();
  if (!config.json) {
    io.stderr.write(
      `userstream demo: stopped (${why}); workers released their streams, Redis keys deleted\n`,
    );
  }
  return code;
}
