/**
 * The seeded chaos suite: `pnpm test:chaos --seed N --runs M` runs seeds N … N+M-1. Each seed is
 * a plan (streams on every venue and protocol, or a fleet; overlapping faults of every kind at
 * set moments), run against the simulator, then every guarantee is checked. A failing seed prints
 * what broke, its fault schedule, and the command that runs it alone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runChildren } from '../src/child-run.js';
import { runFleet } from '../src/fleet-run.js';
import { type RunReport, runInProcess } from '../src/in-process.js';
import { runPartition } from '../src/partition-run.js';
import { describePlan, kindOf, makePlan, type RunKind } from '../src/plan.js';

const first = Number(process.env.CHAOS_SEED ?? 1);
const runs = Number(process.env.CHAOS_RUNS ?? 1);
const only = process.env.CHAOS_KIND as RunKind | undefined;
const verbose = process.env.CHAOS_VERBOSE === '1';
/** Fault types left out of every schedule (`--without`, for triage only). */
const without = (process.env.CHAOS_WITHOUT ?? '').split(',').filter(Boolean);
const rerun = (seed: number) =>
  `pnpm test:chaos --seed ${seed} --runs 1${only === 'partition' ? ' --kind partition' : ''}${without.length > 0 ? ` --without ${without.join(',')}` : ''}`;

// Partition runs are no seed's own kind (adding them reshuffled no existing seed): with
// `--kind partition` every seed of the range runs as one.
const kindOfRun = (seed: number): RunKind => (only === 'partition' ? 'partition' : kindOf(seed));
const seeds = Array.from({ length: runs }, (_, i) => first + i).filter((s) => !only || kindOfRun(s) === only);
const outcomes: { seed: number; kind: RunKind; ok: boolean; ms: number; first?: string }[] = [];

const run = (kind: RunKind): ((plan: ReturnType<typeof makePlan>) => Promise<RunReport>) =>
  kind === 'partition'
    ? runPartition
    : kind === 'fleet'
      ? (plan) => runFleet(plan)
      : kind === 'child'
        ? runChildren
        : runInProcess;

afterAll(() => {
  const failed = outcomes.filter((o) => !o.ok);
  const lines = [
    '',
    `chaos: ${outcomes.length} run(s), ${outcomes.length - failed.length} passed, ${failed.length} failed, ${Math.round(outcomes.reduce((n, o) => n + o.ms, 0) / 1000)} s`,
    ...outcomes.map(
      (o) =>
        `  seed ${o.seed} ${o.kind}: ${o.ok ? 'ok' : `FAILED: ${o.first}`} (${(o.ms / 1000).toFixed(1)} s)`,
    ),
    ...(without.length > 0 ? [`  (fault types left out: ${without.join(', ')})`] : []),
    ...(failed.length > 0 ? [`reproduce one: ${rerun(failed[0]?.seed as number)}`] : []),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});

describe('chaos', () => {
  it.each(seeds.map((seed) => ({ seed, kind: kindOfRun(seed) })))(
    'seed $seed ($kind)',
    async ({ seed, kind }) => {
      const plan = makePlan(seed, kind);
      plan.faults = plan.faults.filter((f) => !without.includes(f.spec.type));
      const started = Date.now();
      const report: RunReport = await run(kind)(plan);
      const ms = Date.now() - started;
      const problems = [
        ...report.violations,
        ...report.refusedFaults.map((f) => `the simulator refused fault ${f}`),
      ];
      outcomes.push({
        seed,
        kind,
        ok: problems.length === 0,
        ms,
        ...(problems[0] ? { first: problems[0].slice(0, 160) } : {}),
      });
      if (verbose || problems.length > 0) {
        process.stdout.write(
          `\nseed ${seed} (${kind}) ${problems.length === 0 ? 'passed' : 'FAILED'} in ${(ms / 1000).toFixed(1)} s\n${describePlan(plan)}\nfigures: ${JSON.stringify(report.figures)}\n`,
        );
      }
      if (problems.length > 0) {
        throw new Error(
          `seed ${seed} (${kind}) broke ${problems.length} guarantee(s):\n- ${problems.join('\n- ')}\n\n${describePlan(plan)}\n\nreproduce: ${rerun(seed)}`,
        );
      }
      expect(report.figures.faults).toBeGreaterThan(0);
    },
  );
});
