// node --test scripts/: the test command's Redis provisioning, run on PATHs made for each case.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const script = new URL('./ensure-redis.mjs', import.meta.url).pathname;

/** A directory holding only node and sh (and whatever `extra` adds): no redis-server, no apt-get. */
function bareBin(extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ensure-redis-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  symlinkSync('/bin/sh', join(dir, 'sh'));
  for (const [name, body] of Object.entries(extra)) {
    writeFileSync(join(dir, name), body);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

function run(env) {
  return spawnSync(process.execPath, [script], { encoding: 'utf8', env });
}

const fakeRedis = '#!/bin/sh\necho "Redis server v=7.2.4 sha=00000000:0 malloc=libc bits=64 build=0"\n';

test('uses redis-server from PATH and says which', () => {
  const out = run({ PATH: bareBin({ 'redis-server': fakeRedis }) });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /fleet tests use redis-server 7\.2\.4 from PATH/);
});

test('uses REDIS_SERVER when set, and fails in one line when it does not run', () => {
  const dir = bareBin({ 'my-redis': fakeRedis });
  const ok = run({ PATH: bareBin(), REDIS_SERVER: join(dir, 'my-redis') });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /REDIS_SERVER=.*my-redis \(7\.2\.4\)/);

  const bad = run({ PATH: bareBin(), REDIS_SERVER: join(dir, 'missing') });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /REDIS_SERVER=.*missing does not run/);
});

test('with no redis-server and no way to install it, fails with one line naming what to install', () => {
  const out = run({ PATH: bareBin() });
  assert.equal(out.status, 1);
  assert.equal(out.stdout, '');
  const lines = out.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /need redis-server >= 6\.2: install it \(Debian\/Ubuntu: `sudo apt-get install redis-server`/,
  );
});
