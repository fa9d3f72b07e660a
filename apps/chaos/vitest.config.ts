import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared';

/** One run can take ~15 s (faults, settling, close); a seed budget takes minutes. */
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 60_000,
    },
  }),
);
