/**
 * The suite's end-to-end checks can fail: a listen-only child whose stream is unref'd (the opt-out
 * of issue 16 item 1) must be reported as a process that exited while its stream was open.
 */
import { expect, it } from 'vitest';
import { runChildren } from '../src/child-run.js';
import { makePlan } from '../src/plan.js';

it('a child that lets its process exit mid-reconnect is reported', async () => {
  const plan = makePlan(5, 'child');
  plan.streams = plan.streams.filter((s) => s.protocol === 'listenKey');
  // Only the refused reconnects after a drop: nothing else keeps that process alive.
  plan.faults = plan.faults.filter((f) => f.atMs === 600 || f.atMs === 650);
  expect(plan.faults.map((f) => f.spec.type)).toEqual(['refuseConnections', 'drop']);
  const report = await runChildren(plan, { unref: true });
  expect(report.violations.join('\n')).toMatch(
    /the listen-only process exited \(code 0, signal null\) while its stream was open/,
  );
  // Kept: the same run with the stream holding its process passes that check.
  const held = await runChildren(plan);
  expect(held.violations.filter((v) => v.includes('exited'))).toEqual([]);
}, 120_000);
