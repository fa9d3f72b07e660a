import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, ExchangeCode, UserstreamError } from '@userstream/core';
import { Bot } from './bot.js';
import { type DemoConfig, parseConfig, USAGE } from './config.js';
import { Dashboard, formatDuration } from './dashboard.js';
import { exchangeCodeOf } from './exchange-code.js';
import { runFleetCli } from './fleet-cli.js';
import { EXIT, finishRun, oneLine, openSession } from './session.js';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

export { EXIT } from './session.js';

/** Exchange answers that mean the key is wrong (bad signature, malformed, rejected, unauthorized). */
const KEY_PROBLEMS: ReadonlySet<number> = new Set([
  ExchangeCode.InvalidSignature,
  ExchangeCode.ApiKeyFormatInvalid,
  ExchangeCode.RejectedApiKey,
  ExchangeCode.Unauthorized,
]);

/** Errors that mean "your keys or settings are wrong" rather than "the run failed". */
function isConfigProblem(error: unknown): boolean {
  if (!UserstreamError.isInstance(error)) return false;
  if (error.code === ErrorCode.InvalidConfig || error.code === ErrorCode.InvalidInput) return true;
  if (error.code === ErrorCode.Signing) return true;
  const exchangeCode = exchangeCodeOf(error);
  return exchangeCode !== undefined && KEY_PROBLEMS.has(exchangeCode);
}

/** The userstream packages the demo runs on, in layering order. */
const PACKAGES = ['core', 'rest', 'stream', 'keepalive', 'redis', 'simulator'] as const;

/**
 * `--version`: the demo's own version, then one indented line per userstream package, read from
 * the package.json files actually resolved at run time (a workspace link or an installed copy), so
 * the lines say what runs, not what was built against.
 */
export function versionText(): string {
  // The bundle lives in dist/ (or a test's cache directory): walk up to the demo's package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  let demo = 'unknown';
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === '@userstream/demo') {
        demo = pkg.version ?? 'unknown';
        break;
      }
    } catch {
      // no package.json here: keep walking up
    }
    dir = dirname(dir);
  }
  const require = createRequire(import.meta.url);
  const lines = [`@userstream/demo ${demo}`];
  for (const name of PACKAGES) {
    let version = 'not installed';
    try {
      version = (require(`@userstream/${name}/package.json`) as { version: string }).version;
    } catch {
      // reported as not installed
    }
    lines.push(`  @userstream/${name} ${version}`);
  }
  return `${lines.join('\n')}\n`;
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
  if (config.version) {
    io.stdout.write(versionText());
    return EXIT.ok;
  }
  if (config.fleet) return runFleetCli(config, config.fleet, io);
  const secrets =
    config.target.kind === 'venue'
      ? [config.target.credentials.apiKey, config.target.credentials.secret ?? ''].filter(Boolean)
      : [];
  let bot: Bot | undefined;
  const session = await openSession({
    config,
    io,
    secrets,
    gauges: () => bot?.streams ?? [],
    health: () => bot?.health(),
    whoWidth: 7,
    start: { mode: config.target.kind },
  });
  if (typeof session === 'number') return session;
  const { logger, cleanup } = session;

  try {
    bot = await Bot.start({ config, logger, onNote: (n) => session.printNote(n) });
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

  const why = await session.waitForQuit(
    (quit) =>
      new Dashboard({ bot: running, out: io.stdout, in: io.stdin, opsUrl: session.ops.url, onQuit: quit }),
    `userstream demo: ${running.streams.length} stream(s) open; ${config.durationMs === undefined ? 'Ctrl-C to stop' : `running for ${formatDuration(config.durationMs)}`}`,
  );
  const code = await finishRun(running, config.json, (summary) => summary.mirrorMatches, io);
  await cleanup();
  if (!config.json) io.stderr.write(`userstream demo: stopped (${why}); orders canceled, streams closed\n`);
  return code;
}
