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
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
