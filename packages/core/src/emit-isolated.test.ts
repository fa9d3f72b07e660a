import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { emitIsolated } from './emit-isolated.js';

it('calls every listener once even when some throw or reject, and reports each failure', async () => {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  const failures: [string, unknown][] = [];
  const threw = (type: string, thrown: unknown) => failures.push([type, thrown]);
  emitter.on('x', () => {
    calls.push('a');
    throw new Error('a');
  });
  emitter.on('x', async () => {
    calls.push('b');
    throw new Error('b');
  });
  emitter.once('x', (v: unknown) => calls.push(`c${String(v)}`));
  emitIsolated(emitter, 'x', 1, threw);
  emitIsolated(emitter, 'x', 2, threw);
  await new Promise((r) => setImmediate(r));
  expect(calls).toEqual(['a', 'b', 'c1', 'a', 'b']);
  expect(failures.map(([type, e]) => `${type}:${(e as Error).message}`)).toEqual([
    'x:a',
    'x:a',
    'x:b',
    'x:b',
  ]);

  // One listener: through emit, its throw still goes to `threw`.
  const single = new EventEmitter();
  single.on('y', () => {
    throw new Error('only');
  });
  emitIsolated(single, 'y', undefined, threw);
  expect(failures.at(-1)?.[0]).toBe('y');
  emitIsolated(single, 'none', undefined, threw); // no listener, nothing happens
  expect(failures).toHaveLength(5);
});
