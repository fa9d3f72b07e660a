/** Runs examples/fleet.mjs (the README's several-accounts example) against the simulator. */
import { readFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

it('each account prints only its own order, and the README shows the file as is', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  // A plain .mjs for users to run (no types): imported by a path tsc does not resolve.
  const file: string = '../examples/fleet.mjs';
  await import(file);
  expect(lines.sort()).toEqual(['alice BTCUSDT NEW 50000', 'bob BTCUSDT NEW 49000']);
  const example = readFileSync(new URL('../examples/fleet.mjs', import.meta.url), 'utf8');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const body = example.replace(/^\/\/ biome-ignore-all[^\n]*\n/, '');
  expect(readme).toContain(body.trim());
});
