// node --test scripts/: how the README check reads markdown (the compile itself runs in CI's docs
// step, after the build, where the real READMEs are checked).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeBlocks, importedPackages, installedPackages } from './check-readme-examples.mjs';

test('ts and js blocks are extracted with the line their code starts on; sh and text blocks are not', () => {
  const md = [
    '# x',
    '```sh',
    'npm i a',
    '```',
    '```ts',
    'const a = 1;',
    '```',
    'text',
    '```js',
    'b()',
    '```',
    '```',
    'c',
    '```',
  ].join('\n');
  assert.deepEqual(codeBlocks(md), [
    { lang: 'ts', start: 6, code: 'const a = 1;' },
    { lang: 'js', start: 10, code: 'b()' },
  ]);
});

test('install lines name packages, with versions and flags dropped, across npm, pnpm and yarn', () => {
  const md = [
    'npm install @userstream/keepalive @userstream/core',
    'npm install --save-dev @userstream/simulator   # runs the example',
    'pnpm add pino@10 -D',
    'yarn add ioredis',
    'npm i left-pad',
  ].join('\n');
  assert.deepEqual([...installedPackages(md)].sort(), [
    '@userstream/core',
    '@userstream/keepalive',
    '@userstream/simulator',
    'ioredis',
    'left-pad',
    'pino',
  ]);
  assert.deepEqual([...installedPackages('no install line here')], []);
});

test('imports are reduced to package names; node: and relative imports are not packages', () => {
  const code = [
    "import { a } from '@userstream/core';",
    "import type { B } from '@userstream/core/types';",
    "import os from 'node:os';",
    "import './local.js';",
    "import 'ws';",
    "const p = await import('pino');",
    "const r = require('ioredis');",
  ].join('\n');
  assert.deepEqual(importedPackages(code).sort(), ['@userstream/core', 'ioredis', 'pino', 'ws']);
});
