import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // mexcProtoDir() resolves core's proto/ folder from import.meta.url, in the CJS build too.
  shims: true,
  target: 'node20',
});
