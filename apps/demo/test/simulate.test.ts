/**
 * `pnpm demo --venue <id> --simulate` (issue #13: "runs each venue against the simulator"): the
 * demo's own entry point (runCli, in-process) runs every non-Binance venue the simulator plays,
 * from its venue list, to its --json summary: exit 0, mirror equal to the exchange, events seen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SIMULATED_VENUES } from '@userstream/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { parseConfig } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the demo's command line in this process; resolves with its exit code and output. */
async function demo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await runCli(args, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    env: {},
  });
  return { code, stdout: out, stderr: err };
}

const NON_BINANCE = SIMULATED_VENUES.filter((id) => !id.startsWith('binance-'));

describe('--venue <id> --simulate', () => {
  it('offers every non-Binance venue the simulator plays (the list is the simulator’s)', () => {
    expect(NON_BINANCE).toEqual(
      expect.arrayContaining([
        'bhex',
        'coins-xyz',
        'coins-th',
        'mexc',
        'aster-futures',
        'aster-spot',
        'tokocrypto',
      ]),
    );
  });

  it('runs each of them to its summary: exit 0, the mirror equal to the exchange', async () => {
    const failures: string[] = [];
    for (const id of NON_BINANCE) {
      const run = await demo([
        '--venue',
        id,
        '--simulate',
        '--duration',
        '2s',
        '--json',
        '--log-file',
        join(dir, `${id}.log`),
      ]);
      const summary = run.stdout.trim()
        ? (JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>)
        : {};
      const streams = (summary.streams ?? []) as {
        name: string;
        events?: number;
        unannouncedLostEvents?: number | null;
      }[];
      const ok =
        run.code === 0 &&
        summary.mirrorMatches === true &&
        streams.length === 1 &&
        streams[0]!.name === id &&
        (streams[0]!.events ?? 0) > 0 &&
        // Counted where the stream carries the engine's own shapes; never a loss no gap announced.
        (streams[0]!.unannouncedLostEvents ?? 0) === 0;
      if (!ok)
        failures.push(`${id}: exit ${run.code}, ${run.stdout.slice(0, 600)} ${run.stderr.slice(-600)}`);
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('is refused with a one-line reason where it would mislead', () => {
    const refused = (argv: string[]) => {
      try {
        parseConfig(argv, {});
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused(['--simulate'])).toMatch(/--simulate needs --venue/);
    expect(refused(['--venue', 'mexc', '--simulate', '--api-key', 'k'])).toMatch(
      /--api-key is for a real venue/,
    );
    expect(refused(['--venue', 'kraken', '--simulate'])).toMatch(
      /does not play 'kraken'; use one of binance-spot/,
    );
    // Without --simulate a venue still needs keys, and the message says how to simulate instead.
    expect(refused(['--venue', 'mexc'])).toMatch(/needs an API key.*--simulate/);
    expect(parseConfig(['--venue', 'tokocrypto', '--simulate'], {}).target).toEqual({
      kind: 'simulator',
      venue: 'tokocrypto',
    });
  });
});
