/**
 * Signals while the demo stops (cli.test.ts runs the SIGINT-then-SIGTERM case end to end; a
 * third signal is tested here, where no race with the stop's own end can hide it).
 */
import { expect, it } from 'vitest';
import { stopSignalHandler } from '../src/stop-signals.js';

it('ignores two signals while stopping (saying so once on the terminal) and quits with 130 on the third', () => {
  const logs: string[] = [];
  const logger = {
    info: (_o: unknown, msg: string) => void logs.push(`info ${msg}`),
    warn: (_o: unknown, msg: string) => void logs.push(`warn ${msg}`),
  };
  const stderr: string[] = [];
  const exits: number[] = [];
  const onSignal = stopSignalHandler(logger as never, { write: (t: string) => stderr.push(t) }, (c) =>
    exits.push(c),
  );
  onSignal('SIGTERM');
  onSignal('SIGINT');
  expect(exits).toEqual([]);
  expect(stderr).toEqual([
    'userstream demo: stopping (canceling our orders, closing streams); two more signals quit at once\n',
  ]);
  onSignal('SIGINT');
  expect(exits).toEqual([130]);
  expect(stderr[1]).toBe(
    'userstream demo: quit at once (third signal while stopping); orders of ours may be left open\n',
  );
  expect(logs).toEqual([
    'info userstream demo: already stopping, signal ignored',
    'info userstream demo: already stopping, signal ignored',
    'warn userstream demo: quit at once; orders of ours may be left open',
  ]);
});
