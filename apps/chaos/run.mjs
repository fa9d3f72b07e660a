#!/usr/bin/env node
/**
 * `pnpm test:chaos --seed N --runs M`: runs seeds N, N+1, …, N+M-1 (each seed's plan — streams,
 * faults, timing — is a pure function of the seed), prints every failing seed with its fault
 * schedule and the command that runs it alone, and exits non-zero if any failed.
 * Options: --seed N (default 1), --runs M (default 1), --kind inProcess|child|fleet (only seeds of
 * that kind are run: the kind is part of the seed too) or --kind partition (every seed of the range
 * as a fleet run with random partitions: no seed is one by itself), --verbose (print every run's figures),
 * --without type[,type] (drop these fault types from every schedule, the rest unchanged: to tell
 * one known failure from the others while triaging; CI never passes it).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const env = { ...process.env };
const usage =
  'usage: pnpm test:chaos [--seed N] [--runs M] [--kind inProcess|child|fleet|partition] [--without faultType,…] [--verbose]';
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split('=', 2);
  const value = () => inline ?? args[++i];
  if (flag === '--') continue;
  if (flag === '--seed') env.CHAOS_SEED = value();
  else if (flag === '--runs') env.CHAOS_RUNS = value();
  else if (flag === '--kind') env.CHAOS_KIND = value();
  else if (flag === '--verbose') env.CHAOS_VERBOSE = '1';
  else if (flag === '--without') env.CHAOS_WITHOUT = value();
  else {
    process.stderr.write(`unknown option ${args[i]}\n${usage}\n`);
    process.exit(2);
  }
}
for (const name of ['CHAOS_SEED', 'CHAOS_RUNS']) {
  if (env[name] !== undefined && !/^\d+$/.test(env[name])) {
    process.stderr.write(
      `${name === 'CHAOS_SEED' ? '--seed' : '--runs'} takes a whole number, got ${env[name]}\n${usage}\n`,
    );
    process.exit(2);
  }
}
const cwd = fileURLToPath(new URL('.', import.meta.url));
const vitest = spawn(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    'test/checks.test.ts',
    'test/self-test.test.ts',
    'test/partition-checks.test.ts',
    'test/partition-plan.test.ts',
    'test/plan-venues.test.ts',
    'test/chaos.test.ts',
  ],
  {
    cwd,
    env,
    stdio: 'inherit',
  },
);
vitest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
