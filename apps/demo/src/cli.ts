import { ErrorCode, UserstreamError } from '@userstream/core';
import { Bot, type Note } from './bot.js';
import { DEFAULT_LOG_FILE, type DemoConfig, parseConfig, USAGE } from './config.js';
import { Dashboard, formatDuration } from './dashboard.js';
import { runFleetCli } from './fleet-cli.js';
import { createLogger, type Logger } from './logger.js';
import { DemoMetrics } from './metrics.js';
import { type OpsServer, startOpsServer } from './ops-server.js';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 fine (and every mirror matched in --json mode), 1 a run that failed, 2 bad config. */
export const EXIT = { ok: 0, failed: 1, config: 2 } as const;

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim();
}

/** Errors that mean "your keys or settings are wrong" rather than "the run failed". */
function isConfigProblem(error: unknown): boolean {
  if (!UserstreamError.isInstance(error)) return false;
  if (error.code === ErrorCode.InvalidConfig || error.code === ErrorCode.InvalidInput) return true;
  if (error.code === ErrorCode.Signing) return true;
  const exchangeCode = (error as { exchangeCode?: unknown }).exchangeCode;
  return error.code === ErrorCode.Exchange && [-1022, -2014, -2015, -1002].includes(Number(exchangeCode));
}

/**
 * The demo's command line: parses the config, starts the ops server and the bot, runs the
 * dashboard or the timed non-interactive mode, shuts down cleanly. Resolves with the exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let config: DemoConfig;
  try {
    // `pnpm demo -- --flag` hands the script a leading `--`: it is not an argument.
    config = parseConfig(argv[0] === '--' ? argv.slice(1) : argv, io.env);
  } catch (error) {
    io.stderr.write(`${oneLine(error)}\n`);
    return EXIT.config;
  }
  if (config.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (config.fleet) return runFleetCli(config, config.fleet, io);
  const secrets =
    config.target.kind === 'venue'
      ? [config.target.credentials.apiKey, config.target.credentials.secret ?? ''].filter(Boolean)
      : [];
  // The dashboard needs a terminal; piped output gets one line per event instead.
  const useDashboard = config.dashboard && io.stdout.isTTY === true;
  const logFile = config.logFile ?? (useDashboard ? DEFAULT_LOG_FILE : undefined);
  let logger: Logger;
  try {
    logger = createLogger({ level: config.logLevel, file: logFile, secrets });
  } catch (error) {
    io.stderr.write(`userstream demo: cannot open the log file (${oneLine(error)}); pass --log-file\n`);
    return EXIT.config;
  }

  let bot: Bot | undefined;
  const metrics = new DemoMetrics(() => bot?.streams ?? []);
  let ops: OpsServer;
  try {
    ops = await startOpsServer({
      host: config.host,
      port: config.port,
      metrics,
      health: () => bot?.health() ?? { ok: false, status: 'starting', streams: [] },
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
  logger.info({ ops: ops.url, mode: config.target.kind }, 'userstream demo starting');

  // A reader that goes away (`| head`) ends the run cleanly instead of crashing it.
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
    io.stdout.write(`${time} ${(n.stream ?? '·').padEnd(7)} ${n.text}\n`);
  };
  const cleanup = async () => {
    await ops.close();
    metrics.close();
    logger.flush?.();
  };

  try {
    bot = await Bot.start({ config, logger, onNote: printNote });
  } catch (error) {
    logger.error({ code: (error as { code?: unknown }).code }, oneLine(error));
    await cleanup();
    const config_ = isConfigProblem(error);
    io.stderr.write(
      `userstream demo: could not start: ${oneLine(error)}${config_ ? ' (check --venue and the keys)' : ''}\n`,
    );
    return config_ ? EXIT.config : EXIT.failed;
  }
  const running = bot;

  let dashboard: Dashboard | undefined;
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
  if (useDashboard) {
    dashboard = new Dashboard({
      bot: running,
      out: io.stdout,
      in: io.stdin,
      opsUrl: ops.url,
      onQuit: () => quit('key'),
    });
    dashboard.start();
  } else if (!config.json) {
    io.stdout.write(
      `userstream demo: ${running.streams.length} stream(s) open; ${config.durationMs === undefined ? 'Ctrl-C to stop' : `running for ${formatDuration(config.durationMs)}`}\n`,
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
      if (!summary.mirrorMatches) code = EXIT.failed;
    }
    await running.stop();
  } catch (error) {
    io.stderr.write(`userstream demo: shutdown failed: ${oneLine(error)}\n`);
    code = EXIT.failed;
  }
  await cleanup();
  if (!config.json) io.stderr.write(`userstream demo: stopped (${why}); orders canceled, streams closed\n`);
  return code;
}
