import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/**
 * Tests run against the sources of sibling packages, so a change in `core` is seen by the
 * `stream` tests without a rebuild. Type checks and the published packages use `dist`.
 */
export const sharedConfig = defineConfig({
  resolve: {
    alias: {
      '@userstream/core': src('core'),
      '@userstream/rest': src('rest'),
      '@userstream/stream': src('stream'),
      '@userstream/keepalive': src('keepalive'),
      '@userstream/simulator': src('simulator'),
      '@userstream/redis': src('redis'),
    },
  },
  test: {
    // Bounds that only catch a hang. CI runs every package's suite at once on 2 busy cores, where
    // tests doing real I/O take several times their quiet-machine time (a rest property test:
    // 20.8 s; stream's frames fuzzer 12.3 s; tsup bundles in beforeAll), and 20 s cut them off.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
